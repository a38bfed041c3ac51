-- PUT /notes/{id} without If-Match, as the baseline asks it: one update that merges the changes (:changes, set by
-- bench.sh, a parameter as the baseline sends it) and returns the note and its new revision.
\set id random(1, :notes)
update mt_doc_note
   set data = data || :changes::jsonb, completed = coalesce(true, completed), updated_at = now(),
       mt_version = mt_version + 1, mt_last_modified = transaction_timestamp()
 where id = :id
returning data, mt_version;
