package main

import (
	"strings"
	"testing"
)

const usageHead = "usage: luaetcd [options] [script [args]]."

var cliCases = []cliCase{
	// -e, in order, attached or not.
	{name: "e", args: []string{"-e", "print(1)"}, stdout: "1\n"},
	{name: "e attached", args: []string{"-eprint(1)"}, stdout: "1\n"},
	{name: "e in order", args: []string{"-e", "x=1", "-ex=x*10", "-e", "print(x)"}, stdout: "10\n"},
	{name: "e gets no varargs", args: []string{"-e", "print(select('#', ...))"}, stdout: "0\n"},
	{name: "e without script has no arg", args: []string{"-e", "print(arg)"}, stdout: "nil\n"},
	{name: "e does not read stdin", args: []string{"-e", "print(0)"}, stdin: "print('stdin')", stdout: "0\n"},
	{name: "e runs before arg is set", args: []string{"-e", "print(arg)", td + "args.lua"},
		stdout: "nil\n-3\t@BIN@\n-2\t-e\n-1\tprint(arg)\n0\t" + td + "args.lua\nn\t0\n"},

	// The script, arg and "...".
	{name: "script args", args: []string{td + "args.lua", "a", "b c"},
		stdout: "-1\t@BIN@\n0\t" + td + "args.lua\n1\ta\n2\tb c\nn\t2\ta\tb c\n"},
	{name: "options in arg", args: []string{"-e", "x=1", "-v", td + "args.lua", "-e", "p"},
		stdout:    "-4\t@BIN@\n-3\t-e\n-2\tx=1\n-1\t-v\n0\t" + td + "args.lua\n1\t-e\n2\tp\nn\t2\t-e\tp\n",
		stderrHas: []string{"luaetcd "}},
	{name: "long options in arg", args: []string{"--timeout=5", "--prefix", "/p", td + "args.lua"},
		stdout: "-4\t@BIN@\n-3\t--timeout=5\n-2\t--prefix\n-1\t/p\n0\t" + td + "args.lua\nn\t0\n"},
	{name: "double dash", args: []string{"--", td + "args.lua", "-x"},
		stdout: "-2\t@BIN@\n-1\t--\n0\t" + td + "args.lua\n1\t-x\nn\t1\t-x\n"},
	{name: "double dash alone runs stdin", args: []string{"--"}, stdin: "print('from stdin')", stdout: "from stdin\n"},
	{name: "dash is stdin", args: []string{"-", "x", "y"}, stdin: "print(arg[0], arg[-1] ~= nil, ...)",
		stdout: "-\ttrue\tx\ty\n"},
	{name: "dash after double dash is a file", args: []string{"--", "-"},
		stderr: "luaetcd: cannot open -: No such file or directory\n", code: 1},
	{name: "no args runs stdin", stdin: "print('stdin', ...)\nprint(arg)", stdout: "stdin\nnil\n"},
	{name: "stdin syntax error", stdin: "print(1)\nx = = 2\n",
		stderr: "luaetcd: stdin:2: syntax error near '='\n", code: 1},
	{name: "shebang line skipped", args: []string{td + "shebang.lua"}, stdout: "shebang ok\n",
		stderrHas: []string{"luaetcd: " + td + "shebang.lua:3: line three\nstack traceback:"}, code: 1},
	{name: "missing script", args: []string{"nope.lua"},
		stderr: "luaetcd: cannot open nope.lua: No such file or directory\n", code: 1},

	// -v, -l, --help.
	{name: "v", args: []string{"-v"}, stderrHas: []string{"luaetcd ", "Lua 5.1", "lua-etcd 0.12"}},
	{name: "v then e", args: []string{"-v", "-e", "print(2)"}, stdout: "2\n", stderrHas: []string{"Lua 5.1"}},
	{name: "help", args: []string{"--help"}, stdout: "@USAGE@"},
	{name: "l with LUA_PATH", args: []string{"-l", "mymod", "-e", "print(mymod_loaded, require('mymod').hello())"},
		env: []string{"LUA_PATH=" + td + "?.lua"}, stdout: "1\thello from mymod\n"},
	{name: "l attached", args: []string{"-lmymod", "-e", "print(mymod_loaded)"},
		env: []string{"LUA_PATH=" + td + "?.lua"}, stdout: "1\n"},
	{name: "l missing module", args: []string{"-l", "nomod", "-e", "print('not reached')"},
		stderrHas: []string{"luaetcd: module 'nomod' not found:\n\tno field package.preload['nomod']\n\tno file './nomod.lua'", "\n\tno file './nomod.so'", "stack traceback:"}, code: 1},
	{name: "LUA_PATH double semicolon", args: []string{"-e", "print(package.path:find('?.lua;./?.lua;', 1, true) ~= nil, require('mymod').hello())"},
		env: []string{"LUA_PATH=" + td + "?.lua;;"}, stdout: "true\thello from mymod\n"},
	{name: "LUA_PATH unset is the default", args: []string{"-e", "print(package.path:sub(1, 8))"}, stdout: "./?.lua;\n"},

	// LUA_INIT.
	{name: "LUA_INIT code", args: []string{"-e", "print('main')"}, env: []string{"LUA_INIT=print('init')"},
		stdout: "init\nmain\n"},
	{name: "LUA_INIT file", args: []string{"-e", "print(init_ran)"}, env: []string{"LUA_INIT=@" + td + "init.lua"},
		stdout: "from init file\n"},
	{name: "LUA_INIT before stdin", env: []string{"LUA_INIT=x=5"}, stdin: "print(x)", stdout: "5\n"},
	{name: "LUA_INIT error stops", args: []string{"-e", "print('main')"}, env: []string{"LUA_INIT=error('bad init')"},
		stderrHas: []string{"luaetcd: LUA_INIT:1: bad init\nstack traceback:"}, code: 1},
	{name: "LUA_INIT missing file", args: []string{"-e", "print('main')"}, env: []string{"LUA_INIT=@nope.lua"},
		stderr: "luaetcd: cannot open nope.lua: No such file or directory\n", code: 1},

	// Errors.
	{name: "runtime error", args: []string{"-e", "error('boom')"},
		stderr: "luaetcd: (command line):1: boom\nstack traceback:\n\t[G]: in function 'error'\n\t(command line):1: in main chunk\n\t[G]: ?\n",
		code:   1},
	{name: "error stops later options", args: []string{"-e", "error('boom')", "-e", "print('no')"},
		stderrHas: []string{"boom"}, code: 1},
	{name: "script error traceback", args: []string{td + "error.lua"}, stdout: "before\n",
		stderrHas: []string{"luaetcd: " + td + "error.lua:2: deep trouble\nstack traceback:\n",
			"in function 'inner'", "in main chunk"}, code: 1},
	{name: "syntax error in e", args: []string{"-e", "x="},
		stderr: "luaetcd: (command line):1: syntax error near '<eof>'\n", code: 1},
	{name: "syntax error in script", args: []string{td + "syntax.lua"},
		stderr: "luaetcd: " + td + "syntax.lua:2: syntax error near '='\n", code: 1},
	{name: "error object not a string", args: []string{"-e", "error({})"},
		stderr: "luaetcd: (error object is not a string)\n", code: 1},
	{name: "error nil prints nothing", args: []string{"-e", "error(nil)"}, code: 1},
	{name: "error number", args: []string{"-e", "error(42)"}, stderrHas: []string{"luaetcd: ", "42\nstack traceback:"}, code: 1},

	// os.exit.
	{name: "os.exit 3", args: []string{"-e", "print('a') os.exit(3) print('b')"}, stdout: "a\n", code: 3},
	{name: "os.exit default", args: []string{"-e", "os.exit()", "-e", "print('no')"}, code: 0},
	{name: "os.exit not catchable", args: []string{td + "exit.lua"}, stdout: "before exit\nunflushed? ", code: 3},
	{name: "os.exit from LUA_INIT", args: []string{"-e", "print('no')"}, env: []string{"LUA_INIT=os.exit(7)"}, code: 7},
	{name: "os.exit from stdin", stdin: "print(1) os.exit(5)", stdout: "1\n", code: 5},

	// Interactive mode, with piped stdin.
	{name: "interactive", args: []string{"-i"},
		stdin:  "x=1\n=x+1\nfor i=1,2 do\nprint(i)\nend\nreturn 1,2\n=nil\n",
		stdout: "> > 2\n> >> >> 1\n2\n> 1\t2\n> nil\n> \n", stderrHas: []string{"Lua 5.1"}},
	{name: "interactive errors go on", args: []string{"-i"},
		stdin:  "error('e')\nx = = 1\nprint('still here')\n",
		stdout: "> > > still here\n> \n",
		stderrHas: []string{"luaetcd ", "\nstdin:1: e\nstack traceback:\n",
			"\nstdin:1: syntax error near '='\n"}},
	{name: "interactive after script", args: []string{"-i", td + "args.lua", "z"}, stdin: "print(arg[1])\n",
		stdout: "-2\t@BIN@\n-1\t-i\n0\t" + td + "args.lua\n1\tz\nn\t1\tz\n> z\n> \n", stderrHas: []string{"Lua 5.1"}},
	{name: "interactive eof in statement", args: []string{"-i"}, stdin: "if true then\n",
		stdout: "> >> \n", stderrHas: []string{"Lua 5.1"}},
	{name: "interactive prompts", args: []string{"-i", "-e", "_PROMPT='lua% ' _PROMPT2='...'"}, stdin: "do\nend\n",
		stdout: "lua% ...lua% \n", stderrHas: []string{"Lua 5.1"}},
	{name: "interactive os.exit", args: []string{"-i"}, stdin: "print(1)\nos.exit(4)\nprint(2)\n",
		stdout: "> 1\n> ", stderrHas: []string{"Lua 5.1"}, code: 4},

	// Bad command lines: lua5.1's status 1 and usage on stderr.
	{name: "unknown option", args: []string{"-x"}, stderrHas: []string{"luaetcd: unrecognized option '-x'\n" + usageHead}, code: 1},
	{name: "e needs argument", args: []string{"-e"}, stderrHas: []string{"luaetcd: '-e' needs argument\n" + usageHead}, code: 1},
	{name: "l needs argument", args: []string{"-l"}, stderrHas: []string{"luaetcd: '-l' needs argument\n" + usageHead}, code: 1},
	{name: "v with tail", args: []string{"-vx"}, stderrHas: []string{"unrecognized option '-vx'", usageHead}, code: 1},
	{name: "i with tail", args: []string{"-ix"}, stderrHas: []string{"unrecognized option '-ix'"}, code: 1},
	{name: "double dash with tail", args: []string{"--bogus"}, stderrHas: []string{"unrecognized option '--bogus'", usageHead}, code: 1},
	{name: "long option needs argument", args: []string{"--endpoints"}, stderrHas: []string{"'--endpoints' needs argument"}, code: 1},
	{name: "bad timeout", args: []string{"--timeout", "soon", "-e", "print(1)"}, stderrHas: []string{"bad argument to '--timeout'", usageHead}, code: 1},
	{name: "bad endpoint", args: []string{"--endpoints=ftp://x"}, stderrHas: []string{"bad argument to '--endpoints'"}, code: 1},
	{name: "switch with value", args: []string{"--embed=yes"}, stderrHas: []string{"'--embed' takes no argument"}, code: 1},
	{name: "data-dir without embed", args: []string{"--data-dir", "/tmp/x"}, stderrHas: []string{"'--data-dir' needs '--embed'"}, code: 1},
	{name: "embed and endpoints", args: []string{"--embed", "--endpoints", "http://127.0.0.1:1"}, stderrHas: []string{"exclude each other"}, code: 1},
	{name: "long option after script is a script arg", args: []string{td + "args.lua", "--embed"},
		stdout: "-1\t@BIN@\n0\t" + td + "args.lua\n1\t--embed\nn\t1\t--embed\n"},
	{name: "bad env timeout", args: []string{"-e", "print(1)"}, env: []string{"LUAETCD_TIMEOUT=x"},
		stderr: "luaetcd: LUAETCD_TIMEOUT: bad timeout \"x\": want seconds >= 0\n", code: 1},
	{name: "bad env endpoints", args: []string{"-e", "print(1)"}, env: []string{"ETCDCTL_ENDPOINTS=gopher://x"},
		stderrHas: []string{"luaetcd: ETCDCTL_ENDPOINTS: bad URL"}, code: 1},
	{name: "flag wins over bad env", args: []string{"--timeout", "1", "-e", "print(1)"}, env: []string{"LUAETCD_TIMEOUT=1"},
		stdout: "1\n"},
	{name: "bad api", args: []string{"--api", "v4", "-e", "print(1)"}, stderrHas: []string{"bad argument to '--api'", `"v4" is not v2, v3 or auto`}, code: 1},
	{name: "bad env api", args: []string{"-e", "print(1)"}, env: []string{"LUAETCD_API=v1"},
		stderr: "luaetcd: LUAETCD_API: \"v1\" is not v2, v3 or auto\n", code: 1},
}

func TestCommandLine(t *testing.T) {
	for _, c := range cliCases {
		t.Run(c.name, func(t *testing.T) {
			c.stdout = strings.ReplaceAll(c.stdout, "@BIN@", binary)
			c.stdout = strings.ReplaceAll(c.stdout, "@USAGE@", usageText(progName))
			c.check(t, runBinary(t, c.args, c.env, c.stdin))
		})
	}
}
