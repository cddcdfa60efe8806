"""In-dialog INFO, both ways (RFC 6086), as a phone uses it: DTMF relay.

Our INFO is fire-and-report: a refusal or timeout becomes ``InfoFailed``,
and a 481 means the peer forgot the call, which ends it. Their INFO is
answered 200 and handed to the phone as ``InfoReceived`` (the phone reads
DTMF bodies with ``dtmf_info.parse_dtmf_info``).
"""

from __future__ import annotations

from softphone.sip.call import Call
from softphone.sip.calls import CallTable
from softphone.sip.events import InfoFailed, InfoReceived
from softphone.sip.message import Request, Response
from softphone.sip.plumbing import Plumbing
from softphone.sip.transaction import Failure, Transaction


class Info:
    def __init__(self, core: Plumbing, calls: CallTable) -> None:
        self._core = core
        self._calls = calls

    def send(self, call: Call, content_type: str, body: str | bytes, now: float) -> None:
        dialog = call.dialog
        assert dialog is not None
        request = dialog.create_request("INFO")
        request.headers.add("Content-Type", content_type)
        request.body = body.encode("utf-8") if isinstance(body, str) else body

        def on_response(tx: Transaction, response: Response, now: float) -> None:
            if response.status_code >= 300:
                self._core.emit(InfoFailed(call.handle, response.status_code, response.reason))
                if response.status_code == 481:
                    self._calls.dialog_gone(call, response.status_code, response.reason)

        def on_failure(tx: Transaction, failure: Failure, now: float) -> None:
            self._core.emit(InfoFailed(call.handle, None, failure.value))

        self._core.send_client(
            request, now, on_response=on_response, on_failure=on_failure, renumber=dialog.next_cseq
        )

    def on_info(self, call: Call, request: Request, now: float) -> None:
        self._core.respond(request, 200, now)
        ctype = request.content_type
        if request.body and not call.ended:
            mime = ctype.mime if ctype is not None else ""
            body = request.body.decode("utf-8", errors="replace")
            self._core.emit(InfoReceived(call.handle, mime, body))
