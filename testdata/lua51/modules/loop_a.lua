-- requires loop_b, which requires this module again
return { b = require('loop_b') }
