"""Services over people records: plain functions taking the session, the actor and the clock."""
