-- What PUT /notes/{id} asks of PostgreSQL: read the document, then replace it if its revision is unchanged.
\set id random(1, 1000)
select data, mt_version from mt_doc_note where id = :id;
update mt_doc_note set data = jsonb_set(data, '{text}', '"Benchmark note, edited"'), mt_version = mt_version + 1
 where id = :id;
