-- What GET /notes/{id} asks of PostgreSQL: one document by primary key.
\set id random(1, 1000)
select data, mt_version from mt_doc_note where id = :id;
