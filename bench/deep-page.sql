-- A page of 20 over all the notes, as the baseline asks it: by cursor (after > 0: id > :after) or by offset (:skip),
-- and the number of notes, pipelined. bench.sh sets after and skip for the first page, the last page by cursor, and
-- the same page by offset.
\startpipeline
select data, id from mt_doc_note where id > :after order by id limit 20 offset :skip;
select count(*) from mt_doc_note;
\endpipeline
