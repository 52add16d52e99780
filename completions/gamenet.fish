function __gamenet_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __gamenet_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __gamenet_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __gamenet_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __gamenet_parse_tokens -S
    set -l unparsed_tokens (__gamenet_tokens -pc)
    switch $unparsed_tokens[1]
    case 'gamenet'
        __gamenet_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'serve'
            __gamenet_parse_subcommand 0 'log-level=' 'v/verbose' 'q/quiet' 'listen=' 'echo' 'max-conns=' 'idle-timeout=' 'json' 'ws-path=' 'ws-origin=+' 'ws-subprotocol=+' 'max-message-size=' 'ping-interval=' 'ping-timeout=' 'kcp-mode=' 'kcp-timeout=' 'config=' 'heartbeat=' 'dead-peer-timeout=' 'handshake-timeout=' 'resume-window=' 'max-game-message-size=' 'rate=' 'queue-bytes=' 'max-rooms=' 'max-room-size=' 'drain=' 'version' 'h/help'
        case 'connect'
            __gamenet_parse_subcommand 1 'log-level=' 'v/verbose' 'q/quiet' 'framing=' 'wait=' 'connect-timeout=' 'H/header=+' 'subprotocol=+' 'origin=' 'text' 'handshake-timeout=' 'max-message-size=' 'ping-interval=' 'ping-timeout=' 'kcp-timeout=' 'send=' 'count=' 'echo' 'room=' 'namespace=' 'name=' 'json' 'transport=' 'no-resume' 'udp' 'version' 'h/help'
        case 'proxy'
            __gamenet_parse_subcommand 2 'log-level=' 'v/verbose' 'q/quiet' 'framing=' 'wait=' 'connect-timeout=' 'H/header=+' 'subprotocol=+' 'origin=' 'text' 'handshake-timeout=' 'max-message-size=' 'ping-interval=' 'ping-timeout=' 'kcp-timeout=' 'udp-timeout=' 'max-conns=' 'json' 'version' 'h/help'
        case 'tunnel'
            __gamenet_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'client'
                __gamenet_parse_subcommand 2 'log-level=' 'v/verbose' 'q/quiet' 'compat=' 'key=' 'crypt=' 'fec=' 'fec-timeout=' 'mode=' 'mtu=' 'sndwnd=' 'rcvwnd=' 'smuxver=' 'streambuf=' 'keepalive=' 'nocomp' 'udp-timeout=' 'json' 'conn=' 'version' 'h/help'
            case 'server'
                __gamenet_parse_subcommand 2 'log-level=' 'v/verbose' 'q/quiet' 'compat=' 'key=' 'crypt=' 'fec=' 'fec-timeout=' 'mode=' 'mtu=' 'sndwnd=' 'rcvwnd=' 'smuxver=' 'streambuf=' 'keepalive=' 'nocomp' 'udp-timeout=' 'json' 'version' 'h/help'
            end
        case 'impair'
            __gamenet_parse_subcommand 2 'log-level=' 'v/verbose' 'q/quiet' 'preset=' 'delay=' 'jitter=' 'distribution=' 'jitter-reorders' 'wave=' 'loss=' 'burst=' 'gemodel=' 'dup=' 'dup-delay=' 'reorder=' 'reorder-delay=' 'reorder-gap=' 'corrupt=' 'rate=' 'rate-burst=' 'queue=' 'outage=+' 'up=' 'down=' 'seed=' 'slice=' 'reset-after=' 'reset-at=' 'slow-close=' 'udp-timeout=' 'max-conns=' 'control=' 'json' 'list-presets' 'version' 'h/help'
        case 'bench'
            __gamenet_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'compare'
                __gamenet_parse_subcommand 0 'log-level=' 'v/verbose' 'q/quiet' 'size=+' 'duration=' 'warmup=' 'connections=' 'rate=' 'json' 'csv' 'plot=' 'version' 'h/help'
            case 'rtt'
                __gamenet_parse_subcommand -r 1 'log-level=' 'v/verbose' 'q/quiet' 'size=+' 'duration=' 'warmup=' 'connections=' 'rate=' 'json' 'csv' 'plot=' 'version' 'h/help'
            case 'throughput'
                __gamenet_parse_subcommand -r 1 'log-level=' 'v/verbose' 'q/quiet' 'size=' 'connections=' 'window=' 'duration=' 'warmup=' 'json' 'csv' 'plot=' 'version' 'h/help'
            case 'conns'
                __gamenet_parse_subcommand -r 1 'log-level=' 'v/verbose' 'q/quiet' 'count=' 'server-pid=' 'interval=' 'hold=' 'size=' 'concurrency=' 'json' 'csv' 'plot=' 'version' 'h/help'
            case 'loss'
                __gamenet_parse_subcommand 0 'log-level=' 'v/verbose' 'q/quiet' 'preset=' 'delay=' 'jitter=' 'distribution=' 'jitter-reorders' 'wave=' 'loss=' 'burst=' 'gemodel=' 'dup=' 'dup-delay=' 'reorder=' 'reorder-delay=' 'reorder-gap=' 'corrupt=' 'rate=' 'rate-burst=' 'queue=' 'outage=+' 'up=' 'down=' 'seed=' 'interval=' 'duration=' 'warmup=' 'size=' 'json' 'csv' 'plot=' 'version' 'h/help'
            case 'fec'
                __gamenet_parse_subcommand 0 'data=' 'parity=' 'shard-size=' 'duration=' 'json' 'version' 'h/help'
            end
        case 'help'
            __gamenet_parse_subcommand -r 1 'version'
        end
    end
end

function __gamenet_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __gamenet_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __gamenet_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __gamenet_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__gamenet_tokens -p)
    if test -z "$(__gamenet_tokens -t)"
        set -l index (count (__gamenet_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'gamenet' -f
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet" version' -l 'version' -d 'Show the version.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_positional "gamenet" -eq 1' -fa 'serve' -d 'Run a server on one port number for TCP and UDP.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_positional "gamenet" -eq 1' -fa 'connect' -d 'Connect to a peer: standard input goes to it, what it sends goes to standard output.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_positional "gamenet" -eq 1' -fa 'proxy' -d 'Relay every connection on LISTEN to its own connection to TARGET.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_positional "gamenet" -eq 1' -fa 'tunnel' -d 'Carry TCP across a lossy link: KCP, Reed-Solomon FEC and encryption; kcptun-compatible.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_positional "gamenet" -eq 1' -fa 'impair' -d 'Relay UDP or TCP through a link with latency, jitter, loss, reordering and a bandwidth cap.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_positional "gamenet" -eq 1' -fa 'bench' -d 'Measure round-trip time, throughput, connection scale and behaviour under loss.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_positional "gamenet" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" log-level' -l 'log-level' -d 'Log level on standard error: trace, debug, info, notice, warning, error or critical.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve"' -l 'verbose' -s 'v' -d 'Log more: -v for each connection, -vv for debugging.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" q quiet' -l 'quiet' -s 'q' -d 'Log errors only.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" listen' -l 'listen' -d 'The address and port to bind, HOST:PORT; :0 picks a free port.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" echo' -l 'echo' -d 'Echo every TCP byte and UDP datagram back to its sender.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" max-conns' -l 'max-conns' -d 'Most TCP connections open at once (default 10000); more are closed on accept. The game server also holds at most this many sessions.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" idle-timeout' -l 'idle-timeout' -d 'Echo: close a TCP connection that has sent nothing for this long. Game server: end a session that has sent nothing but heartbeats for this long (default 10m; 0s for never).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" json' -l 'json' -d 'Print listening events as JSON lines on standard output.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" ws-path' -l 'ws-path' -d 'Accept WebSocket upgrades on this path only (default: any path).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve"' -l 'ws-origin' -d 'Accept WebSocket upgrades from this Origin only; repeatable (default: any origin).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve"' -l 'ws-subprotocol' -d 'A WebSocket subprotocol the server speaks, in order of preference; repeatable.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" max-message-size' -l 'max-message-size' -d 'Largest WebSocket message accepted; a larger one closes the connection with 1009.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" ping-interval' -l 'ping-interval' -d 'Ping a WebSocket peer that has been quiet this long.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" ping-timeout' -l 'ping-timeout' -d 'Close a WebSocket connection whose peer does not answer a ping within this long.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" kcp-mode' -l 'kcp-mode' -d 'How the server runs KCP conversations on its UDP port: normal, fast, fast2, fast3 or manual.' -rfka 'normal fast fast2 fast3 manual'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" kcp-timeout' -l 'kcp-timeout' -d 'Close a KCP session that has heard nothing from its peer for this long.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" config' -l 'config' -d 'A JSON file with game server settings; flags override it.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" heartbeat' -l 'heartbeat' -d 'How often the game server pings each session (default 15s).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" dead-peer-timeout' -l 'dead-peer-timeout' -d 'Disconnect a session that has sent nothing at all, pongs included, for this long (default 45s).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" handshake-timeout' -l 'handshake-timeout' -d 'How long a new connection has to send its client hello (default 10s).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" resume-window' -l 'resume-window' -d 'How long a dropped session can be resumed with its id and key (default 2m).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" max-game-message-size' -l 'max-game-message-size' -d 'The largest game message accepted, in bytes, announced in the hello (default 64KiB).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" rate' -l 'rate' -d 'Messages a second each session may send, with a burst of the same number (default 50).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" queue-bytes' -l 'queue-bytes' -d 'Bytes a connection may have waiting to be written before it is cut off as slow (default 2MiB).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" max-rooms' -l 'max-rooms' -d 'Rooms one session may be in at once (default 16).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" max-room-size' -l 'max-room-size' -d 'Members one room may hold, whatever size a join asks for (default 10000).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" drain' -l 'drain' -d 'On SIGTERM or SIGINT, how long clients get to read their goodbye before the server closes (default 5s).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" version' -l 'version' -d 'Show the version.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet serve" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" log-level' -l 'log-level' -d 'Log level on standard error: trace, debug, info, notice, warning, error or critical.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect"' -l 'verbose' -s 'v' -d 'Log more: -v for each connection, -vv for debugging.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" q quiet' -l 'quiet' -s 'q' -d 'Log errors only.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" framing' -l 'framing' -d 'How a byte stream is cut into messages where it meets UDP: raw (each read), lines, len16 or len32 (big-endian length prefix).' -rfka 'raw lines len16 len32'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" wait' -l 'wait' -d 'After one side ends, wait this long for more datagrams before closing a message transport.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" connect-timeout' -l 'connect-timeout' -d 'Give up connecting to the target after this long.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect"' -s 'H' -l 'header' -d 'Add a header to the WebSocket upgrade request, \'Name: value\'; repeatable.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect"' -l 'subprotocol' -d 'Offer this WebSocket subprotocol; repeatable.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" origin' -l 'origin' -d 'The Origin header of the WebSocket upgrade request.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" text' -l 'text' -d 'Send WebSocket text frames instead of binary ones.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" handshake-timeout' -l 'handshake-timeout' -d 'Give up on a WebSocket handshake that takes longer than this.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" max-message-size' -l 'max-message-size' -d 'Largest WebSocket message accepted; a larger one closes the connection with 1009.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" ping-interval' -l 'ping-interval' -d 'Ping a WebSocket peer that has been quiet this long.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" ping-timeout' -l 'ping-timeout' -d 'Close a WebSocket connection whose peer does not answer a ping within this long.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" kcp-timeout' -l 'kcp-timeout' -d 'Close a KCP session that has heard nothing from its peer for this long.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" send' -l 'send' -d 'Send this text instead of reading standard input, then end input.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" count' -l 'count' -d 'Exit after this many messages from the peer (datagrams, lines or frames with --framing, reads on a raw stream).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" echo' -l 'echo' -d 'Send every message received back to the peer instead of printing it (for testing servers).'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" room' -l 'room' -d 'Join this room of a gamenet game server and chat in it (game client mode).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" namespace' -l 'namespace' -d 'The room\'s namespace, with --room.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" name' -l 'name' -d 'The display name other members see, with --room.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" json' -l 'json' -d 'With --room, print each message from the server as a JSON line (the protocol\'s JSON form).'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" transport' -l 'transport' -d 'With --room, the transport to the game server: tcp, ws or kcp (default: the URL\'s scheme).' -rfka 'tcp ws kcp'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" no-resume' -l 'no-resume' -d 'With --room, exit when the connection drops instead of reconnecting and resuming the session.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" udp' -l 'udp' -d 'With --room, bind a UDP socket to the session and broadcast each line over it (the unreliable channel); without an answer from the server it falls back to the reliable connection.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" version' -l 'version' -d 'Show the version.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet connect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" log-level' -l 'log-level' -d 'Log level on standard error: trace, debug, info, notice, warning, error or critical.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy"' -l 'verbose' -s 'v' -d 'Log more: -v for each connection, -vv for debugging.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" q quiet' -l 'quiet' -s 'q' -d 'Log errors only.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" framing' -l 'framing' -d 'How a byte stream is cut into messages where it meets UDP: raw (each read), lines, len16 or len32 (big-endian length prefix).' -rfka 'raw lines len16 len32'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" wait' -l 'wait' -d 'After one side ends, wait this long for more datagrams before closing a message transport.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" connect-timeout' -l 'connect-timeout' -d 'Give up connecting to the target after this long.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy"' -s 'H' -l 'header' -d 'Add a header to the WebSocket upgrade request, \'Name: value\'; repeatable.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy"' -l 'subprotocol' -d 'Offer this WebSocket subprotocol; repeatable.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" origin' -l 'origin' -d 'The Origin header of the WebSocket upgrade request.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" text' -l 'text' -d 'Send WebSocket text frames instead of binary ones.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" handshake-timeout' -l 'handshake-timeout' -d 'Give up on a WebSocket handshake that takes longer than this.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" max-message-size' -l 'max-message-size' -d 'Largest WebSocket message accepted; a larger one closes the connection with 1009.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" ping-interval' -l 'ping-interval' -d 'Ping a WebSocket peer that has been quiet this long.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" ping-timeout' -l 'ping-timeout' -d 'Close a WebSocket connection whose peer does not answer a ping within this long.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" kcp-timeout' -l 'kcp-timeout' -d 'Close a KCP session that has heard nothing from its peer for this long.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" udp-timeout' -l 'udp-timeout' -d 'Close a UDP flow after this long with no datagram either way.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" max-conns' -l 'max-conns' -d 'Most connections or UDP flows relayed at once; more are refused.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" json' -l 'json' -d 'Print listening events as JSON lines on standard output.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" version' -l 'version' -d 'Show the version.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet proxy" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel" version' -l 'version' -d 'Show the version.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_positional "gamenet tunnel" -eq 1' -fa 'client' -d 'Accept TCP on LISTEN and carry each connection to the tunnel server at SERVER (UDP).'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_positional "gamenet tunnel" -eq 1' -fa 'server' -d 'Serve tunnel clients on LISTEN (UDP) and connect each of their streams to TARGET (TCP).'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" log-level' -l 'log-level' -d 'Log level on standard error: trace, debug, info, notice, warning, error or critical.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client"' -l 'verbose' -s 'v' -d 'Log more: -v for each connection, -vv for debugging.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" q quiet' -l 'quiet' -s 'q' -d 'Log errors only.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" compat' -l 'compat' -d 'Speak another tunnel\'s wire format: kcptun.' -rfka 'kcptun'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" key' -l 'key' -d 'The pre-shared secret (kcptun\'s default with --compat kcptun: "it\'s a secrect").' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" crypt' -l 'crypt' -d 'Datagram crypto: chacha20-poly1305 (default), aes-256-gcm or none; with --compat kcptun: aes (default), aes-128 or none.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" fec' -l 'fec' -d 'Reed-Solomon FEC as DATA:PARITY shards per group; 0:0 turns FEC off.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" fec-timeout' -l 'fec-timeout' -d 'Native FEC: longest wait for a full group before its parity is sent.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" mode' -l 'mode' -d 'KCP profile: normal, fast, fast2, fast3 or manual (kcptun\'s presets).' -rfka 'normal fast fast2 fast3 manual'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" mtu' -l 'mtu' -d 'Largest UDP datagram, headers included.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" sndwnd' -l 'sndwnd' -d 'KCP send window, in packets (default: client 128, server 1024, as kcptun).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" rcvwnd' -l 'rcvwnd' -d 'KCP receive window, in packets (default: client 512, server 1024, as kcptun).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" smuxver' -l 'smuxver' -d 'smux version, 1 or 2; must match the other end.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" streambuf' -l 'streambuf' -d 'Per-stream receive window of smux version 2, in bytes.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" keepalive' -l 'keepalive' -d 'Seconds between smux keepalives; the session ends after 30 s without a frame.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" nocomp' -l 'nocomp' -d 'No compression. kcptun compresses with snappy unless given --nocomp; gamenet does not compress.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" udp-timeout' -l 'udp-timeout' -d 'UDP tunnels: close a flow after this long with no datagram.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" json' -l 'json' -d 'Print a JSON line of counters every second and a summary on stdout.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" conn' -l 'conn' -d 'UDP flows to the server, each its own KCP session and socket; new TCP connections take them in turn (kcptun-client\'s --conn).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" version' -l 'version' -d 'Show the version.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel client" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" log-level' -l 'log-level' -d 'Log level on standard error: trace, debug, info, notice, warning, error or critical.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server"' -l 'verbose' -s 'v' -d 'Log more: -v for each connection, -vv for debugging.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" q quiet' -l 'quiet' -s 'q' -d 'Log errors only.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" compat' -l 'compat' -d 'Speak another tunnel\'s wire format: kcptun.' -rfka 'kcptun'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" key' -l 'key' -d 'The pre-shared secret (kcptun\'s default with --compat kcptun: "it\'s a secrect").' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" crypt' -l 'crypt' -d 'Datagram crypto: chacha20-poly1305 (default), aes-256-gcm or none; with --compat kcptun: aes (default), aes-128 or none.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" fec' -l 'fec' -d 'Reed-Solomon FEC as DATA:PARITY shards per group; 0:0 turns FEC off.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" fec-timeout' -l 'fec-timeout' -d 'Native FEC: longest wait for a full group before its parity is sent.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" mode' -l 'mode' -d 'KCP profile: normal, fast, fast2, fast3 or manual (kcptun\'s presets).' -rfka 'normal fast fast2 fast3 manual'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" mtu' -l 'mtu' -d 'Largest UDP datagram, headers included.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" sndwnd' -l 'sndwnd' -d 'KCP send window, in packets (default: client 128, server 1024, as kcptun).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" rcvwnd' -l 'rcvwnd' -d 'KCP receive window, in packets (default: client 512, server 1024, as kcptun).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" smuxver' -l 'smuxver' -d 'smux version, 1 or 2; must match the other end.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" streambuf' -l 'streambuf' -d 'Per-stream receive window of smux version 2, in bytes.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" keepalive' -l 'keepalive' -d 'Seconds between smux keepalives; the session ends after 30 s without a frame.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" nocomp' -l 'nocomp' -d 'No compression. kcptun compresses with snappy unless given --nocomp; gamenet does not compress.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" udp-timeout' -l 'udp-timeout' -d 'UDP tunnels: close a flow after this long with no datagram.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" json' -l 'json' -d 'Print a JSON line of counters every second and a summary on stdout.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" version' -l 'version' -d 'Show the version.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet tunnel server" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" log-level' -l 'log-level' -d 'Log level on standard error: trace, debug, info, notice, warning, error or critical.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair"' -l 'verbose' -s 'v' -d 'Log more: -v for each connection, -vv for debugging.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" q quiet' -l 'quiet' -s 'q' -d 'Log errors only.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" preset' -l 'preset' -d 'Start from a named link profile (see --list-presets); other options apply on top.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" delay' -l 'delay' -d 'One-way delay, such as 50ms.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" jitter' -l 'jitter' -d 'Random variation of the delay: ±jitter for uniform, the standard deviation otherwise.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" distribution' -l 'distribution' -d 'Shape of the jitter: uniform, normal, pareto, paretonormal or exponential.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" jitter-reorders' -l 'jitter-reorders' -d 'Let jitter put packets out of order, as netem does; by default jitter clumps packets instead.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" wave' -l 'wave' -d 'Time-varying delay: \'sine|square AMPLITUDE PERIOD\', such as \'sine 20ms 10s\'.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" loss' -l 'loss' -d 'Share of packets lost, such as 2% or 0.02.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" burst' -l 'burst' -d 'Mean length of a loss burst in packets; with --loss, losses come in bursts (Gilbert-Elliott).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" gemodel' -l 'gemodel' -d 'Gilbert-Elliott loss as netem\'s gemodel: \'P [R [1-H [1-K]]]\' in percent.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" dup' -l 'dup' -d 'Share of packets sent twice.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" dup-delay' -l 'dup-delay' -d 'How long after the original a duplicate is released.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" reorder' -l 'reorder' -d 'Share of packets held back by --reorder-delay so that later ones overtake them.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" reorder-delay' -l 'reorder-delay' -d 'Extra delay of a reordered packet (default 10ms).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" reorder-gap' -l 'reorder-gap' -d 'Reorder only after N - 1 packets in order; then each packet is a candidate until one is picked (netem\'s gap).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" corrupt' -l 'corrupt' -d 'Share of packets with one bit flipped at a random position.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" rate' -l 'rate' -d 'Bottleneck rate, such as 1mbit or 2MB/s; packets queue behind it.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" rate-burst' -l 'rate-burst' -d 'Bytes that pass at once before --rate applies (default 5 ms at the rate).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" queue' -l 'queue' -d 'Bytes that may queue behind --rate before tail drop (default 200 ms at the rate, at least 64KiB).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair"' -l 'outage' -d 'A scheduled outage, DURATION@START[/EVERY], such as 5s@30s; repeat the option for more.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" up' -l 'up' -d 'A netem-style spec for the client-to-target direction only, applied on top of the other options.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" down' -l 'down' -d 'A netem-style spec for the target-to-client direction only, applied on top of the other options.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" seed' -l 'seed' -d 'Seed of every random decision; the default is a random seed, printed at start.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" slice' -l 'slice' -d 'TCP: cut each read into writes of at most this many bytes, each delayed on its own.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" reset-after' -l 'reset-after' -d 'TCP: reset both connections after this many bytes have passed, either way.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" reset-at' -l 'reset-at' -d 'TCP: reset both connections this long after they open.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" slow-close' -l 'slow-close' -d 'TCP: pass the end of a stream on this much later.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" udp-timeout' -l 'udp-timeout' -d 'Close a UDP flow after this long with no datagram either way.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" max-conns' -l 'max-conns' -d 'Most connections or UDP flows at once; more are refused.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" control' -l 'control' -d 'Serve the HTTP/JSON control API on HOST:PORT (GET/PUT /settings, GET /stats, POST /reset).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" json' -l 'json' -d 'Print listening events, a line of counters every second and a summary as JSON lines on stdout.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" list-presets' -l 'list-presets' -d 'Print the presets and exit.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" version' -l 'version' -d 'Show the version.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet impair" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench" version' -l 'version' -d 'Show the version.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_positional "gamenet bench" -eq 1' -fa 'compare' -d 'Compare TCP, WebSocket, UDP and KCP round trips against an in-process echo server (the default).'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_positional "gamenet bench" -eq 1' -fa 'rtt' -d 'Measure round-trip time against echo peers: tcp://, ws://, udp:// or kcp:// URLs.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_positional "gamenet bench" -eq 1' -fa 'throughput' -d 'Measure bulk and echo throughput against echo peers (in-process ones with no URL).'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_positional "gamenet bench" -eq 1' -fa 'conns' -d 'Open many concurrent TCP or WebSocket connections to an echo server and measure the server\'s memory per connection.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_positional "gamenet bench" -eq 1' -fa 'loss' -d 'Compare TCP, WebSocket and KCP round trips across a lossy, slow link (needs root).'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_positional "gamenet bench" -eq 1' -fa 'fec' -d 'Measure Reed-Solomon FEC encode and reconstruct throughput on one core.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench compare" log-level' -l 'log-level' -d 'Log level on standard error: trace, debug, info, notice, warning, error or critical.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench compare"' -l 'verbose' -s 'v' -d 'Log more: -v for each connection, -vv for debugging.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench compare" q quiet' -l 'quiet' -s 'q' -d 'Log errors only.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench compare"' -l 'size' -d 'Bytes per message (at least 16); repeatable, one case per size.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench compare" duration' -l 'duration' -d 'How long each case is measured, after its warm-up (default: 1.5s with no URL, 5s for rtt).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench compare" warmup' -l 'warmup' -d 'How long each case runs before measuring starts; its round trips are discarded.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench compare" connections' -l 'connections' -d 'Connections per case, each with its own loop of messages.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench compare" rate' -l 'rate' -d 'Send this many messages per second on each connection whatever the replies do (open loop), timing each from when it was due; without it, one message is in flight at a time (closed loop).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench compare" json' -l 'json' -d 'Print the whole result as one JSON document on standard output instead of the table.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench compare" csv' -l 'csv' -d 'Print the results as CSV on standard output instead of the table.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench compare" plot' -l 'plot' -d 'Also draw latency percentile curves, one per case, into this SVG file.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench compare" version' -l 'version' -d 'Show the version.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench compare" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench rtt" log-level' -l 'log-level' -d 'Log level on standard error: trace, debug, info, notice, warning, error or critical.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench rtt"' -l 'verbose' -s 'v' -d 'Log more: -v for each connection, -vv for debugging.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench rtt" q quiet' -l 'quiet' -s 'q' -d 'Log errors only.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench rtt"' -l 'size' -d 'Bytes per message (at least 16); repeatable, one case per size.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench rtt" duration' -l 'duration' -d 'How long each case is measured, after its warm-up (default: 1.5s with no URL, 5s for rtt).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench rtt" warmup' -l 'warmup' -d 'How long each case runs before measuring starts; its round trips are discarded.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench rtt" connections' -l 'connections' -d 'Connections per case, each with its own loop of messages.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench rtt" rate' -l 'rate' -d 'Send this many messages per second on each connection whatever the replies do (open loop), timing each from when it was due; without it, one message is in flight at a time (closed loop).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench rtt" json' -l 'json' -d 'Print the whole result as one JSON document on standard output instead of the table.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench rtt" csv' -l 'csv' -d 'Print the results as CSV on standard output instead of the table.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench rtt" plot' -l 'plot' -d 'Also draw latency percentile curves, one per case, into this SVG file.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench rtt" version' -l 'version' -d 'Show the version.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench rtt" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench throughput" log-level' -l 'log-level' -d 'Log level on standard error: trace, debug, info, notice, warning, error or critical.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench throughput"' -l 'verbose' -s 'v' -d 'Log more: -v for each connection, -vv for debugging.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench throughput" q quiet' -l 'quiet' -s 'q' -d 'Log errors only.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench throughput" size' -l 'size' -d 'Bytes per message.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench throughput" connections' -l 'connections' -d 'Connections per case.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench throughput" window' -l 'window' -d 'Messages in flight per connection in the echo case.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench throughput" duration' -l 'duration' -d 'How long each case is measured, after its warm-up.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench throughput" warmup' -l 'warmup' -d 'How long each case runs before counting starts.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench throughput" json' -l 'json' -d 'Print the whole result as one JSON document on standard output instead of the table.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench throughput" csv' -l 'csv' -d 'Print the results as CSV on standard output instead of the table.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench throughput" plot' -l 'plot' -d 'Also draw latency percentile curves, one per case, into this SVG file.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench throughput" version' -l 'version' -d 'Show the version.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench throughput" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench conns" log-level' -l 'log-level' -d 'Log level on standard error: trace, debug, info, notice, warning, error or critical.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench conns"' -l 'verbose' -s 'v' -d 'Log more: -v for each connection, -vv for debugging.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench conns" q quiet' -l 'quiet' -s 'q' -d 'Log errors only.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench conns" count' -l 'count' -d 'Connections to open.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench conns" server-pid' -l 'server-pid' -d 'The echo server\'s process id, to read its memory.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench conns" interval' -l 'interval' -d 'How often each connection sends a message while held open.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench conns" hold' -l 'hold' -d 'How long the connections are held open after the first message.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench conns" size' -l 'size' -d 'Bytes per message.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench conns" concurrency' -l 'concurrency' -d 'Connection attempts in flight at once.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench conns" json' -l 'json' -d 'Print the whole result as one JSON document on standard output instead of the table.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench conns" csv' -l 'csv' -d 'Print the results as CSV on standard output instead of the table.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench conns" plot' -l 'plot' -d 'Also draw latency percentile curves, one per case, into this SVG file.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench conns" version' -l 'version' -d 'Show the version.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench conns" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" log-level' -l 'log-level' -d 'Log level on standard error: trace, debug, info, notice, warning, error or critical.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss"' -l 'verbose' -s 'v' -d 'Log more: -v for each connection, -vv for debugging.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" q quiet' -l 'quiet' -s 'q' -d 'Log errors only.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" preset' -l 'preset' -d 'Start from a named link profile (see --list-presets); other options apply on top.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" delay' -l 'delay' -d 'One-way delay, such as 50ms.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" jitter' -l 'jitter' -d 'Random variation of the delay: ±jitter for uniform, the standard deviation otherwise.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" distribution' -l 'distribution' -d 'Shape of the jitter: uniform, normal, pareto, paretonormal or exponential.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" jitter-reorders' -l 'jitter-reorders' -d 'Let jitter put packets out of order, as netem does; by default jitter clumps packets instead.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" wave' -l 'wave' -d 'Time-varying delay: \'sine|square AMPLITUDE PERIOD\', such as \'sine 20ms 10s\'.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" loss' -l 'loss' -d 'Share of packets lost, such as 2% or 0.02.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" burst' -l 'burst' -d 'Mean length of a loss burst in packets; with --loss, losses come in bursts (Gilbert-Elliott).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" gemodel' -l 'gemodel' -d 'Gilbert-Elliott loss as netem\'s gemodel: \'P [R [1-H [1-K]]]\' in percent.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" dup' -l 'dup' -d 'Share of packets sent twice.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" dup-delay' -l 'dup-delay' -d 'How long after the original a duplicate is released.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" reorder' -l 'reorder' -d 'Share of packets held back by --reorder-delay so that later ones overtake them.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" reorder-delay' -l 'reorder-delay' -d 'Extra delay of a reordered packet (default 10ms).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" reorder-gap' -l 'reorder-gap' -d 'Reorder only after N - 1 packets in order; then each packet is a candidate until one is picked (netem\'s gap).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" corrupt' -l 'corrupt' -d 'Share of packets with one bit flipped at a random position.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" rate' -l 'rate' -d 'Bottleneck rate, such as 1mbit or 2MB/s; packets queue behind it.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" rate-burst' -l 'rate-burst' -d 'Bytes that pass at once before --rate applies (default 5 ms at the rate).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" queue' -l 'queue' -d 'Bytes that may queue behind --rate before tail drop (default 200 ms at the rate, at least 64KiB).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss"' -l 'outage' -d 'A scheduled outage, DURATION@START[/EVERY], such as 5s@30s; repeat the option for more.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" up' -l 'up' -d 'A netem-style spec for the client-to-target direction only, applied on top of the other options.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" down' -l 'down' -d 'A netem-style spec for the target-to-client direction only, applied on top of the other options.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" seed' -l 'seed' -d 'Seed of the link\'s random decisions.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" interval' -l 'interval' -d 'Time between requests on each connection.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" duration' -l 'duration' -d 'How long each transport is measured, after its warm-up.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" warmup' -l 'warmup' -d 'How long each transport runs before measuring starts.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" size' -l 'size' -d 'Bytes per request and per answer (at least 16).' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" json' -l 'json' -d 'Print the whole result as one JSON document on standard output instead of the table.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" csv' -l 'csv' -d 'Print the results as CSV on standard output instead of the table.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" plot' -l 'plot' -d 'Also draw latency percentile curves, one per case, into this SVG file.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" version' -l 'version' -d 'Show the version.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench loss" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench fec" data' -l 'data' -d 'Data shards per group.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench fec" parity' -l 'parity' -d 'Parity shards per group.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench fec" shard-size' -l 'shard-size' -d 'Bytes per shard.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench fec" duration' -l 'duration' -d 'How long to measure encoding, and then decoding.' -rfka ''
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench fec" json' -l 'json' -d 'Print one JSON object instead of text.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench fec" version' -l 'version' -d 'Show the version.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet bench fec" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'gamenet' -n '__gamenet_should_offer_completions_for_flags_or_options "gamenet help" version' -l 'version' -d 'Show the version.'
