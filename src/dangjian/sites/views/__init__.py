"""Staff pages of the demonstration-site programme (党建示范点), one module per part of it.

Every view tells the same short story as the rest of the platform: scoped fetch (404 outside the user's
scope; a reviewer sees only what is assigned to them) → form → one service → redirect with a message; or the
page again with the service's answer (422 bad input next to the field, 409 not allowed now, with the reason
and its article). Members (self-service) get 403, anonymous visitors the sign-in page.
"""
