"""Every write mlcycle makes to a user's files goes through here."""
