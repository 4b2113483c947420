-- serializer = 'raw': the value is sent as it is.
local check = require('check')
local raw = check.client({ serializer = 'raw' })

check.status(raw:set('/r', 'a "quoted" & +raw/ text'), nil, 201)
check.eq(last_request().body, 'value=a+%22quoted%22+%26+%2Braw%2F+text&ttl=')
check.status(raw:set('/n', 1.5), nil, 201)
check.eq(last_request().body, 'value=1.5&ttl=')
