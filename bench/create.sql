-- POST /notes, as the baseline asks it: one insert of the note's JSON (:note, set by bench.sh as the baseline sends
-- it, a parameter) and its columns. Ids come from a sequence here, where the baseline takes them from a HiLo block.
insert into mt_doc_note (id, data, mt_dotnet_type, mt_version, completed, created_at, updated_at)
values (nextval('bench_ids'), :note::jsonb, 'Notes.Features.Notes.Note', 1, false, now(), now());
