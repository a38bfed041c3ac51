-- PATCH /notes/{id} {"completed":...} without If-Match, as the baseline asks it: the same single update as PUT, with
-- the completed flag and updatedAt only (:changes, set by bench.sh).
\set id random(1, :notes)
update mt_doc_note
   set data = data || :changes::jsonb, completed = coalesce(true, completed), updated_at = now(),
       mt_version = mt_version + 1, mt_last_modified = transaction_timestamp()
 where id = :id
returning data, mt_version;
