return { a = require('loop_a') }
