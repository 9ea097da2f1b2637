"""Signals the certificates domain sends, for whoever acts on a document's life (e-mail,
webhooks). Receivers run inside the caller's transaction, so what they queue leaves only
after it commits."""

from blinker import Namespace

_signals = Namespace()

#: New documents, first issue only (not corrections); keyword argument ``ids`` (list of int).
documents_issued = _signals.signal("documents-issued")
#: A document was revoked; keyword argument ``cert_id``.
document_revoked = _signals.signal("document-revoked")
#: A document was corrected: ``old_id`` now points to the new document ``new_id``.
document_superseded = _signals.signal("document-superseded")
