"""Views of the clients app, one module per page family. Every view loads its objects through
clients.access, so the scoping rules live in one place."""
