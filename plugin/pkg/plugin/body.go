package plugin

// The body of an approved answer, on its way to Grafana. Why anything is
// held before it is sent: see stream.go. What is held:
//
//   - a JSON answer: up to its first message (jsonHeadBytes). One that fits
//     is sent whole, so a cut inside it is a clean JSON error; a larger one
//     is streamed after it, and a cut ends the gRPC stream with an error,
//     which Grafana turns into a broken document followed by its own error
//     object - never valid JSON, so the caller can tell. A JSON reader
//     needs the whole document before it can use any of it, so streaming
//     it costs the caller nothing;
//   - any other answer (CSV, text, an image): whole, up to wholeBodyLimit,
//     because a cut one cannot be told from a whole one once it streams.
//     Larger ones are refused.
//
// Everything held counts against the instance's budget (budget.go).

import (
	"context"
	"errors"
	"io"
	"net/http"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// jsonHeadBytes is how much of a JSON answer is held before it is sent: one
// message. Smaller answers - every error object, most API answers - stay
// whole and their failures clean; the bound keeps 64 concurrent large JSON
// answers at 16 MiB held instead of 64 times their size.
const jsonHeadBytes = messageSize

// unknownLengthShare is what an answer of unknown length that is not JSON
// takes from the budget first: readChunks's first two buffers.
const unknownLengthShare = 32<<10 + messageSize

// holdLimit is the most of this answer held before its first byte is sent.
func (c *connection) holdLimit(plan *responsePlan) int64 {
	if plan.streamable {
		return min(c.settings.MaxResponseBytes, jsonHeadBytes)
	}
	return min(c.settings.MaxResponseBytes, wholeBodyLimit)
}

// copyResponse sends the answer: whole when it fits what may be held, else
// (JSON only) its head and then the rest as it arrives, with a failure
// after the first message ending the gRPC stream with an error so Grafana
// cannot end the response as if whole.
func (c *connection) copyResponse(ctx context.Context, plan *responsePlan, sender backend.CallResourceResponseSender) error {
	s := c.settings
	redactor := newKeyRedactor(c.forms())
	headerHits := redactHeaders(plan.headers, c.forms())
	defer func() {
		if headerHits+redactor.hits > 0 {
			log.DefaultLogger.FromContext(ctx).Warn("the API echoed the API key in its response; replaced it with "+redactedMarker,
				"apiHost", s.APIURL.Host, "inHeaders", headerHits, "inBody", redactor.hits)
		}
	}()
	if plan.body == nil {
		return sender.Send(&backend.CallResourceResponse{Status: plan.status, Headers: plan.headers})
	}

	limit, hold := s.MaxResponseBytes, c.holdLimit(plan)
	if !plan.streamable && plan.sizeHint > hold {
		return c.errorHandler(sender, errNotJSONTooLarge(hold)) // announced: refused before a byte is read
	}
	// The most readChunks allocates is hold+1 bytes: one past the bound
	// tells "larger" from "exactly the bound".
	most := hold + 1
	first := most // a JSON head, or an announced length: all at once
	if plan.sizeHint >= 0 {
		first = min(plan.sizeHint+1, most)
	} else if !plan.streamable {
		first = unknownLengthShare // grows to most only for a larger answer
	}
	lease, err := c.budget.lease(ctx, first, most)
	defer lease.release()
	if err != nil {
		return c.errorHandler(sender, err)
	}
	head, size, err := readChunks(plan.body, most, plan.sizeHint, lease.ensure)
	if err == nil {
		err = ctx.Err() // an end seen after the deadline is not trusted (see callContext)
	}
	var busy *apiError // the budget's answer, from lease.ensure
	if errors.As(err, &busy) {
		return c.errorHandler(sender, busy)
	}
	if err != nil {
		return c.errorHandler(sender, bodyError(err, s.APIURL.Host, s))
	}
	lease.trim(size)
	if size <= hold {
		return sendChunks(sender, plan, redactor.chunks(head))
	}
	if hold == limit {
		return c.errorHandler(sender, &errResponseTooLarge{limit: limit})
	}
	if !plan.streamable {
		return c.errorHandler(sender, errNotJSONTooLarge(hold))
	}
	// The head's share of the budget stays taken while the rest streams:
	// it stands for the message buffers the stream goes through.
	return c.stream(ctx, plan, head, size, redactor, sender)
}

func errNotJSONTooLarge(bound int64) *apiError {
	return newAPIError(http.StatusBadGateway, codeTooLarge,
		"the API's answer is over %d bytes and not JSON; only a JSON answer is passed on in pieces, because a broken one can always be told from a whole one. Ask for less data, or lower maxResponseBytes to %d so that such answers are refused plainly", bound, bound)
}

// readChunks reads r to its end or to n bytes, whichever comes first, as
// buffers of at most messageSize, so nothing is copied to grow a buffer:
// the first is sized from the announced length, or small when there is
// none; after a full buffer, one byte is read to learn whether more comes
// before a next one is made. need is asked to cover the bytes held before
// each buffer is made; its error stops the read. Only io.EOF ends the body
// well; any other error - io.ErrUnexpectedEOF for a body cut before its
// length or last chunk included - is returned.
func readChunks(r io.Reader, n, sizeHint int64, need func(int64) error) ([][]byte, int64, error) {
	const firstGuess = unknownLengthShare - messageSize
	var chunks [][]byte
	var total int64
	var carry []byte // the probed byte that starts the next buffer
	for total < n {
		size := min(int64(messageSize), n-total)
		switch {
		case sizeHint >= 0: // the transport stops at the announced length
			size = min(size, max(sizeHint+1-total, 1))
		case total == 0:
			size = min(size, firstGuess)
		}
		if err := need(total + size); err != nil {
			return chunks, total, err
		}
		buf := make([]byte, size)
		filled := copy(buf, carry)
		m, err := fill(r, buf[filled:])
		filled += m
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

// fill reads into buf until it is full or the reader fails or ends.
func fill(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
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

// stream sends a JSON body larger than its head: the head first (with the
// status), then the rest in full messages as it arrives. Each message is a
// buffer of its own, never reused, because gRPC's SendMsg contract forbids
// changing a message after it was sent; the redactor sends it without a
// copy unless a form of the key is in it.
func (c *connection) stream(ctx context.Context, plan *responsePlan, head [][]byte, total int64, redactor *keyRedactor, sender backend.CallResourceResponseSender) error {
	s := c.settings
	if err := sendChunks(sender, plan, redactor.prefix(head)); err != nil {
		return err
	}
	for {
		frame := redactor.frame(messageSize)
		n, err := fill(plan.body, frame[len(frame):cap(frame)])
		total += int64(n)
		if total > s.MaxResponseBytes {
			err = &errResponseTooLarge{limit: s.MaxResponseBytes}
		} else if n > 0 {
			if chunk := redactor.nextFrame(frame[:len(frame)+n]); len(chunk) > 0 {
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
			e := c.redacted(bodyError(err, s.APIURL.Host, s))
			log.DefaultLogger.FromContext(ctx).Warn("upstream body failed after the response started; the stream to Grafana is cut",
				"code", e.Code, "reason", e.Message)
			return e
		}
	}
}
