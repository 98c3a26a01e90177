package plugin

// The body of an approved answer, on its way to Grafana: read whole up to
// the bound, redacted, and sent in messages; past the bound (JSON only)
// streamed, with a cut ending the gRPC stream. Why: see stream.go.

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// copyResponse sends the answer: whole when it fits the bound, else (JSON
// only) streamed, with a failure after the first message ending the gRPC
// stream with an error so Grafana cannot end the response as if whole.
func (a *App) copyResponse(ctx context.Context, plan *responsePlan, sender backend.CallResourceResponseSender) error {
	s := a.settings
	redactor := newKeyRedactor(a.forms)
	headerHits := redactHeaders(plan.headers, a.forms)
	defer func() {
		if headerHits+redactor.hits > 0 {
			log.DefaultLogger.FromContext(ctx).Warn("the API echoed the API key in its response; replaced it with "+redactedMarker,
				"apiHost", s.APIURL.Host, "inHeaders", headerHits, "inBody", redactor.hits)
		}
	}()
	if plan.body == nil {
		return sender.Send(&backend.CallResourceResponse{Status: plan.status, Headers: plan.headers})
	}

	limit := s.MaxResponseBytes
	bound := min(limit, wholeBodyLimit)
	head, size, err := readChunks(plan.body, bound+1, plan.sizeHint)
	if err == nil {
		err = ctx.Err() // an end seen after the deadline is not trusted (see callContext)
	}
	if err != nil {
		return a.errorHandler(sender, bodyError(err, s.APIURL.Host, s))
	}
	if size <= bound {
		return sendChunks(sender, plan, redactor.chunks(head))
	}
	if bound == limit {
		return a.errorHandler(sender, &errResponseTooLarge{limit: limit})
	}
	if !plan.streamable {
		return a.errorHandler(sender, newAPIError(http.StatusBadGateway, codeTooLarge,
			"the API's answer is over %d bytes and not JSON; only a JSON answer is passed on in pieces, because a broken one can always be told from a whole one. Ask for less data, or lower maxResponseBytes to %d so that such answers are refused plainly", bound, bound))
	}
	return a.stream(ctx, plan, head, size, redactor, sender)
}

// readChunks reads r to its end or to n bytes, whichever comes first, as
// buffers of at most messageSize, so nothing is copied to grow a buffer:
// the first is sized from the announced length, or small when there is
// none; after a full buffer, one byte is read to learn whether more comes
// before a next one is made. Only io.EOF ends the body well; any other
// error - io.ErrUnexpectedEOF for a body cut before its length or last
// chunk included - is returned.
func readChunks(r io.Reader, n, sizeHint int64) ([][]byte, int64, error) {
	const firstGuess = 32 << 10
	var chunks [][]byte
	var total int64
	var carry []byte // the probed byte that starts the next buffer
	for total < n {
		size := min(int64(messageSize), n-total)
		if total == 0 {
			size = min(size, firstGuess)
			if sizeHint >= 0 {
				size = min(int64(messageSize), sizeHint+1, n)
			}
		}
		buf := make([]byte, size)
		filled := copy(buf, carry)
		var err error
		for filled < len(buf) && err == nil {
			var m int
			m, err = r.Read(buf[filled:])
			filled += m
		}
		if filled > 0 {
			chunks = append(chunks, buf[:filled:filled])
			total += int64(filled)
		}
		if err == nil && total < n {
			carry, err = probe(r)
		}
		if errors.Is(err, io.EOF) {
			return chunks, total, nil
		}
		if err != nil {
			return chunks, total, err
		}
	}
	return chunks, total, nil
}

// probe reads one byte: it, or the error (io.EOF at the end).
func probe(r io.Reader) ([]byte, error) {
	var one [1]byte
	for {
		m, err := r.Read(one[:])
		if m == 1 {
			return one[:], nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// sendChunks sends body pieces as messages, the status and headers with
// the first (also when there is no body at all); empty pieces are skipped.
func sendChunks(sender backend.CallResourceResponseSender, plan *responsePlan, chunks [][]byte) error {
	first := &backend.CallResourceResponse{Status: plan.status, Headers: plan.headers}
	if len(chunks) > 0 {
		first.Body, chunks = chunks[0], chunks[1:]
	}
	if err := sender.Send(first); err != nil {
		return err
	}
	for _, c := range chunks {
		if len(c) == 0 {
			continue
		}
		if err := sender.Send(&backend.CallResourceResponse{Body: c}); err != nil {
			return err
		}
	}
	return nil
}

// stream sends a JSON body larger than the bound: head first (with the
// status), then the rest as it arrives. Every message gets its own bytes
// (the redactor returns new slices), because gRPC's SendMsg contract
// forbids changing a message after it was sent.
func (a *App) stream(ctx context.Context, plan *responsePlan, head [][]byte, total int64, redactor *keyRedactor, sender backend.CallResourceResponseSender) error {
	s := a.settings
	out := make([][]byte, 0, len(head))
	for _, c := range head {
		out = append(out, redactor.next(c))
	}
	if err := sendChunks(sender, plan, out); err != nil {
		return err
	}
	buf := make([]byte, messageSize)
	for {
		n, err := plan.body.Read(buf)
		total += int64(n)
		if total > s.MaxResponseBytes {
			err = &errResponseTooLarge{limit: s.MaxResponseBytes}
		} else if n > 0 {
			if chunk := redactor.next(buf[:n]); len(chunk) > 0 {
				if sendErr := sender.Send(&backend.CallResourceResponse{Body: chunk}); sendErr != nil {
					return sendErr
				}
			}
		}
		if errors.Is(err, io.EOF) && ctx.Err() != nil {
			err = ctx.Err() // see callContext
		}
		if errors.Is(err, io.EOF) {
			if tail := redactor.finish(); len(tail) > 0 {
				return sender.Send(&backend.CallResourceResponse{Body: tail})
			}
			return nil
		}
		if err != nil {
			// The status is already on its way: end the gRPC stream with
			// an error, so the response is visibly broken, never short.
			e := a.redacted(bodyError(err, s.APIURL.Host, s))
			log.DefaultLogger.FromContext(ctx).Warn("upstream body failed after the response started; the stream to Grafana is cut",
				"code", e.Code, "reason", e.Message)
			return e
		}
	}
}
