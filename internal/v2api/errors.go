package v2api

import (
	"net/http"
	"strconv"
)

// Error codes of etcd's v2 API (etcd's v2error package).
const (
	EcodeKeyNotFound       = 100
	EcodeTestFailed        = 101
	EcodeNotFile           = 102
	EcodeNotDir            = 104
	EcodeNodeExist         = 105
	EcodeRootROnly         = 107
	EcodeDirNotEmpty       = 108
	EcodeUnauthorized      = 110
	EcodePrevValueRequired = 201
	EcodeTTLNaN            = 202
	EcodeIndexNaN          = 203
	EcodeInvalidField      = 209
	EcodeInvalidForm       = 210
	EcodeRaftInternal      = 300
	EcodeLeaderElect       = 301
	EcodeWatcherCleared    = 400
	EcodeEventIndexCleared = 401
)

var messages = map[int]string{
	EcodeKeyNotFound:       "Key not found",
	EcodeTestFailed:        "Compare failed",
	EcodeNotFile:           "Not a file",
	EcodeNotDir:            "Not a directory",
	EcodeNodeExist:         "Key already exists",
	EcodeRootROnly:         "Root is read only",
	EcodeDirNotEmpty:       "Directory not empty",
	EcodeUnauthorized:      "The request requires user authentication",
	EcodePrevValueRequired: "PrevValue is Required in POST form",
	EcodeTTLNaN:            "The given TTL in POST form is not a number",
	EcodeIndexNaN:          "The given index in POST form is not a number",
	EcodeInvalidField:      "Invalid field",
	EcodeInvalidForm:       "Invalid POST form",
	EcodeRaftInternal:      "Raft Internal Error",
	EcodeLeaderElect:       "During Leader Election",
	EcodeWatcherCleared:    "watcher is cleared due to etcd recovery",
	EcodeEventIndexCleared: "The event in requested index is outdated and cleared",
}

// Error is the body of a failed keys answer.
type Error struct {
	ErrorCode int    `json:"errorCode"`
	Message   string `json:"message"`
	Cause     string `json:"cause,omitempty"`
	Index     uint64 `json:"index"`
}

// NewError returns the error with code's message.
func NewError(code int, cause string, index uint64) *Error {
	return &Error{ErrorCode: code, Message: messages[code], Cause: cause, Index: index}
}

func (e *Error) Error() string {
	return strconv.Itoa(e.ErrorCode) + ": " + e.Message + " (" + e.Cause + ") [" + strconv.FormatUint(e.Index, 10) + "]"
}

// Status is the HTTP status etcd answers the error with.
func (e *Error) Status() int {
	switch e.ErrorCode {
	case EcodeKeyNotFound:
		return http.StatusNotFound
	case EcodeNotFile, EcodeDirNotEmpty:
		return http.StatusForbidden
	case EcodeUnauthorized:
		return http.StatusUnauthorized
	case EcodeTestFailed, EcodeNodeExist:
		return http.StatusPreconditionFailed
	case EcodeRaftInternal, EcodeLeaderElect:
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}
