-- GET /notes?skip=&take=20, as the baseline asks it: the page, with no count (the API counts only on Prefer: count=...).
\set skip random(0, :notes - 20)
select data, id from mt_doc_note order by id limit 20 offset :skip;
