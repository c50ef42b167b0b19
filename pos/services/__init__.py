"""Till services: plain functions taking the session, the actor and the clock."""
