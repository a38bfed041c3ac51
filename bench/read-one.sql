-- GET /notes/{id}, as the baseline asks it of PostgreSQL: one document and its revision by primary key.
\set id random(1, :notes)
select data, mt_version from mt_doc_note where id = :id;
