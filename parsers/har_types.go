package parsers

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Tolerant HAR types. Real exporters disagree with the spec and with each
// other (research/har.md §2): fractional or integer times, header values as
// arrays (Polly), cookies as an object (IE11), httpOnly as a string (Fiddler
// 2), params whose value is a JSON object (chrome-har), cache as an array.
// Only the fields the analyzer uses are declared; json ignores the rest.

type harEntry struct {
	StartedDateTime flexString   `json:"startedDateTime"`
	Request         harRequest   `json:"request"`
	Response        *harResponse `json:"response"`
	Error           flexString   `json:"_error"`
	ResourceType    flexString   `json:"_resourceType"`
}

type harRequest struct {
	Method      flexString   `json:"method"`
	URL         flexString   `json:"url"`
	HTTPVersion flexString   `json:"httpVersion"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	Cookies     flexCount    `json:"cookies"`
	PostData    *harPostData `json:"postData"`
	HeadersSize flexNum      `json:"headersSize"`
}

type harResponse struct {
	Status      flexNum    `json:"status"`
	StatusText  flexString `json:"statusText"`
	HTTPVersion flexString `json:"httpVersion"`
	Headers     []harNV    `json:"headers"`
	Content     harContent `json:"content"`
	RedirectURL flexString `json:"redirectURL"`
	Error       flexString `json:"_error"`
}

type harPostData struct {
	MimeType flexString      `json:"mimeType"`
	Text     flexString      `json:"text"`
	Params   []harNV         `json:"params"`
	Encoding flexString      `json:"encoding"`
	TextJSON json.RawMessage `json:"textJSON"` // Polly 6
}

type harContent struct {
	Size     flexNum    `json:"size"`
	MimeType flexString `json:"mimeType"`
	Text     flexString `json:"text"`
	Encoding flexString `json:"encoding"`
}

type harNV struct {
	Name  flexString `json:"name"`
	Value flexString `json:"value"`
}

type harCreator struct {
	Name    flexString `json:"name"`
	Version flexString `json:"version"`
}

// flexString accepts a string, an array of strings (joined with ", " as HTTP
// joins repeated fields), a number, a bool, an object (kept as JSON text) or
// null.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		*f = ""
		return nil
	}
	switch b[0] {
	case '"':
		// Most values have no escapes: slice them directly, which is
		// several times faster than a nested json.Unmarshal.
		if len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 {
			*f = flexString(b[1 : len(b)-1])
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case '[':
		var arr []flexString
		if err := json.Unmarshal(b, &arr); err != nil {
			*f = flexString(b)
			return nil
		}
		parts := make([]string, len(arr))
		for i, a := range arr {
			parts[i] = string(a)
		}
		*f = flexString(strings.Join(parts, ", "))
	default:
		*f = flexString(b)
	}
	return nil
}

// flexNum accepts a number, a numeric string or null.
type flexNum float64

func (f *flexNum) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(bytes.TrimSpace(b)), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		*f = 0
		return nil
	}
	*f = flexNum(v)
	return nil
}

// flexCount accepts an array or an object (IE11 cookies) and keeps only how
// many items it held: cookie values are credentials and are not needed.
type flexCount int

func (f *flexCount) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) < 2 {
		*f = 0
		return nil
	}
	switch b[0] {
	case '[':
		var arr []json.RawMessage
		if err := json.Unmarshal(b, &arr); err == nil {
			*f = flexCount(len(arr))
		}
	case '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(b, &obj); err == nil {
			*f = flexCount(len(obj))
		}
	}
	return nil
}
