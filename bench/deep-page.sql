-- A page of 20 over all the notes, as the baseline asks it: by cursor (after > 0: id > :after) or by offset (:skip),
-- with no count (the API counts only on Prefer: count=...). bench.sh sets after and skip for the first page, the last
-- page by cursor, and the same page by offset.
select data, id from mt_doc_note where id > :after order by id limit 20 offset :skip;
