"""Who asks and what they asked: the application database, users and login (local, LDAP), API tokens, departments, conversations, the audit log."""
