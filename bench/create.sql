-- What POST /notes asks of PostgreSQL, sent straight to it: one insert of a note document.
insert into mt_doc_note (id, data, mt_dotnet_type, mt_version)
values (nextval('bench_ids'),
        jsonb_build_object('text', 'Benchmark note', 'completed', false, 'createdAt', now(), 'updatedAt', now()),
        'Notes.Features.Notes.Note', 1);
