-- What GET /notes asks of PostgreSQL: the first page of 20 in id order.
select data from mt_doc_note order by id limit 20 offset 0;
