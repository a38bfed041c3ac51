-- GET /notes?skip=&take=20, as the baseline asks it: the page and the number of notes, pipelined (one round trip).
\set skip random(0, :notes - 20)
\startpipeline
select data, id from mt_doc_note order by id limit 20 offset :skip;
select count(*) from mt_doc_note;
\endpipeline
