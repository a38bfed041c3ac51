-- GET /notes?completed=&q=&take=20, as the baseline asks it: a page of the notes (not) completed whose text matches the
-- full-text query (index mt_doc_note_simple_idx_fts), with no count (the API counts only on Prefer: count=...).
-- The words of bench/filtered.lua.
\set w random(1, 24)
\set done random(0, 1)
select data, id from mt_doc_note
 where completed = (:done = 1)
   and to_tsvector('simple'::regconfig, data ->> 'text') @@ to_tsquery('simple'::regconfig, (array['''buy'':*', '''milk'':*', '''call'':*', '''book'':*', '''train'':*', '''hotel'':*', '''email'':*', '''water'':*', '''plan'':*', '''walk'':*', '''read'':*', '''fix'':*', '''mil'':*', '''boo'':*', '''tra'':*', '''wri'':*', '''rep'':*', '''pas'':*', '''kit'':*', '''pla'':*', '''buy'' & ''mil'':*', '''call'' & ''ann'':*', '''pay'' & ''ren'':*', '''walk'' & ''do'':*'])[:w])
 order by id limit 20 offset 0;
