"""Writes that span several models, by sub-domain. Each runs in one transaction, validates
before it saves, and records what it did in the append-only audit log (`AuditEvent`)."""
