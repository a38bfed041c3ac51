-- The login to inspect the notes with (adminer, psql): notes_inspector / notes_inspector. It reads every table of
-- every schema (pg_read_all_data) and every owner's rows (BYPASSRLS: the notes' table forces row-level security,
-- under which the API's own login sees only the owner its statements name), and writes nothing: it owns no schema
-- and may create none, nor a database, and has no right to insert, update or delete. Run as a superuser (only one may give BYPASSRLS); running it again changes nothing.
-- Applied by scripts/db.sh up, by docker compose's db service on a new volume and by the cluster's Patroni
-- post_bootstrap.
set client_min_messages = warning; -- not the notice that the grant below was already there
do $$
begin
  if not exists (select from pg_roles where rolname = 'notes_inspector') then
    create role notes_inspector;
  end if;
end
$$;
alter role notes_inspector with login bypassrls nosuperuser nocreatedb nocreaterole noreplication inherit
  password 'notes_inspector';
grant pg_read_all_data to notes_inspector;
