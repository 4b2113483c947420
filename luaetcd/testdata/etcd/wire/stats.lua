-- version and stats: the v2 paths.
local check = require('check')
local cli = check.client({ peer = PEER })

check.status(cli:version(), nil, 200, 'version')
check.eq(last_request().path, '/version')
check.status(cli:statsSelf(), nil, 200, 'statsSelf')
check.eq(last_request().path, '/v2/stats/self')
check.status(cli:statsStore(), nil, 200, 'statsStore')
check.eq(last_request().path, '/v2/stats/store')
check.status(cli:statsLeader(), nil, 200, 'statsLeader')
check.eq(last_request().path, '/v2/stats/leader')
