#!/bin/bash

__gamenet_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__gamenet_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__gamenet_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__gamenet_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_gamenet() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __gamenet_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    serve|connect|proxy|tunnel|impair|bench|help)
        # Offer subcommand argument completions
        "_gamenet_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'serve connect proxy tunnel impair bench help' -- "${cur}"))
        ;;
    esac
}

_gamenet_serve() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --echo --json --version -h --help)
    repeating_options=(--ws-origin --ws-subprotocol)
    non_repeating_options=(--log-level --listen --max-conns --idle-timeout --ws-path --max-message-size --ping-interval --ping-timeout --kcp-mode --kcp-timeout --config --heartbeat --dead-peer-timeout --handshake-timeout --resume-window --max-game-message-size --rate --queue-bytes --max-rooms --max-room-size --drain)
    __gamenet_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--log-level')
        return
        ;;
    '--listen')
        return
        ;;
    '--max-conns')
        return
        ;;
    '--idle-timeout')
        return
        ;;
    '--ws-path')
        return
        ;;
    '--ws-origin')
        return
        ;;
    '--ws-subprotocol')
        return
        ;;
    '--max-message-size')
        return
        ;;
    '--ping-interval')
        return
        ;;
    '--ping-timeout')
        return
        ;;
    '--kcp-mode')
        __gamenet_add_completions -W 'normal'$'\n''fast'$'\n''fast2'$'\n''fast3'$'\n''manual'
        return
        ;;
    '--kcp-timeout')
        return
        ;;
    '--config')
        return
        ;;
    '--heartbeat')
        return
        ;;
    '--dead-peer-timeout')
        return
        ;;
    '--handshake-timeout')
        return
        ;;
    '--resume-window')
        return
        ;;
    '--max-game-message-size')
        return
        ;;
    '--rate')
        return
        ;;
    '--queue-bytes')
        return
        ;;
    '--max-rooms')
        return
        ;;
    '--max-room-size')
        return
        ;;
    '--drain')
        return
        ;;
    esac
}

_gamenet_connect() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --text --echo --json --no-resume --udp --version -h --help)
    repeating_options=(-H --header --subprotocol)
    non_repeating_options=(--log-level --framing --wait --connect-timeout --origin --handshake-timeout --max-message-size --ping-interval --ping-timeout --kcp-timeout --send --count --room --namespace --name --transport)
    __gamenet_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--log-level')
        return
        ;;
    '--framing')
        __gamenet_add_completions -W 'raw'$'\n''lines'$'\n''len16'$'\n''len32'
        return
        ;;
    '--wait')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '-H'|'--header')
        return
        ;;
    '--subprotocol')
        return
        ;;
    '--origin')
        return
        ;;
    '--handshake-timeout')
        return
        ;;
    '--max-message-size')
        return
        ;;
    '--ping-interval')
        return
        ;;
    '--ping-timeout')
        return
        ;;
    '--kcp-timeout')
        return
        ;;
    '--send')
        return
        ;;
    '--count')
        return
        ;;
    '--room')
        return
        ;;
    '--namespace')
        return
        ;;
    '--name')
        return
        ;;
    '--transport')
        __gamenet_add_completions -W 'tcp'$'\n''ws'$'\n''kcp'
        return
        ;;
    esac
}

_gamenet_proxy() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --text --json --version -h --help)
    repeating_options=(-H --header --subprotocol)
    non_repeating_options=(--log-level --framing --wait --connect-timeout --origin --handshake-timeout --max-message-size --ping-interval --ping-timeout --kcp-timeout --udp-timeout --max-conns)
    __gamenet_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--log-level')
        return
        ;;
    '--framing')
        __gamenet_add_completions -W 'raw'$'\n''lines'$'\n''len16'$'\n''len32'
        return
        ;;
    '--wait')
        return
        ;;
    '--connect-timeout')
        return
        ;;
    '-H'|'--header')
        return
        ;;
    '--subprotocol')
        return
        ;;
    '--origin')
        return
        ;;
    '--handshake-timeout')
        return
        ;;
    '--max-message-size')
        return
        ;;
    '--ping-interval')
        return
        ;;
    '--ping-timeout')
        return
        ;;
    '--kcp-timeout')
        return
        ;;
    '--udp-timeout')
        return
        ;;
    '--max-conns')
        return
        ;;
    esac
}

_gamenet_tunnel() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __gamenet_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    client|server)
        # Offer subcommand argument completions
        "_gamenet_tunnel_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'client server' -- "${cur}"))
        ;;
    esac
}

_gamenet_tunnel_client() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --nocomp --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--log-level --compat --key --crypt --fec --fec-timeout --mode --mtu --sndwnd --rcvwnd --smuxver --streambuf --keepalive --udp-timeout --conn)
    __gamenet_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--log-level')
        return
        ;;
    '--compat')
        __gamenet_add_completions -W 'kcptun'
        return
        ;;
    '--key')
        return
        ;;
    '--crypt')
        return
        ;;
    '--fec')
        return
        ;;
    '--fec-timeout')
        return
        ;;
    '--mode')
        __gamenet_add_completions -W 'normal'$'\n''fast'$'\n''fast2'$'\n''fast3'$'\n''manual'
        return
        ;;
    '--mtu')
        return
        ;;
    '--sndwnd')
        return
        ;;
    '--rcvwnd')
        return
        ;;
    '--smuxver')
        return
        ;;
    '--streambuf')
        return
        ;;
    '--keepalive')
        return
        ;;
    '--udp-timeout')
        return
        ;;
    '--conn')
        return
        ;;
    esac
}

_gamenet_tunnel_server() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --nocomp --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--log-level --compat --key --crypt --fec --fec-timeout --mode --mtu --sndwnd --rcvwnd --smuxver --streambuf --keepalive --udp-timeout)
    __gamenet_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--log-level')
        return
        ;;
    '--compat')
        __gamenet_add_completions -W 'kcptun'
        return
        ;;
    '--key')
        return
        ;;
    '--crypt')
        return
        ;;
    '--fec')
        return
        ;;
    '--fec-timeout')
        return
        ;;
    '--mode')
        __gamenet_add_completions -W 'normal'$'\n''fast'$'\n''fast2'$'\n''fast3'$'\n''manual'
        return
        ;;
    '--mtu')
        return
        ;;
    '--sndwnd')
        return
        ;;
    '--rcvwnd')
        return
        ;;
    '--smuxver')
        return
        ;;
    '--streambuf')
        return
        ;;
    '--keepalive')
        return
        ;;
    '--udp-timeout')
        return
        ;;
    esac
}

_gamenet_impair() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --jitter-reorders --json --list-presets --version -h --help)
    repeating_options=(--outage)
    non_repeating_options=(--log-level --preset --delay --jitter --distribution --wave --loss --burst --gemodel --dup --dup-delay --reorder --reorder-delay --reorder-gap --corrupt --rate --rate-burst --queue --up --down --seed --slice --reset-after --reset-at --slow-close --udp-timeout --max-conns --control)
    __gamenet_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--log-level')
        return
        ;;
    '--preset')
        return
        ;;
    '--delay')
        return
        ;;
    '--jitter')
        return
        ;;
    '--distribution')
        return
        ;;
    '--wave')
        return
        ;;
    '--loss')
        return
        ;;
    '--burst')
        return
        ;;
    '--gemodel')
        return
        ;;
    '--dup')
        return
        ;;
    '--dup-delay')
        return
        ;;
    '--reorder')
        return
        ;;
    '--reorder-delay')
        return
        ;;
    '--reorder-gap')
        return
        ;;
    '--corrupt')
        return
        ;;
    '--rate')
        return
        ;;
    '--rate-burst')
        return
        ;;
    '--queue')
        return
        ;;
    '--outage')
        return
        ;;
    '--up')
        return
        ;;
    '--down')
        return
        ;;
    '--seed')
        return
        ;;
    '--slice')
        return
        ;;
    '--reset-after')
        return
        ;;
    '--reset-at')
        return
        ;;
    '--slow-close')
        return
        ;;
    '--udp-timeout')
        return
        ;;
    '--max-conns')
        return
        ;;
    '--control')
        return
        ;;
    esac
}

_gamenet_bench() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __gamenet_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    compare|rtt|throughput|conns|loss|fec)
        # Offer subcommand argument completions
        "_gamenet_bench_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'compare rtt throughput conns loss fec' -- "${cur}"))
        ;;
    esac
}

_gamenet_bench_compare() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --json --csv --version -h --help)
    repeating_options=(--size)
    non_repeating_options=(--log-level --duration --warmup --connections --rate --plot)
    __gamenet_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--log-level')
        return
        ;;
    '--size')
        return
        ;;
    '--duration')
        return
        ;;
    '--warmup')
        return
        ;;
    '--connections')
        return
        ;;
    '--rate')
        return
        ;;
    '--plot')
        return
        ;;
    esac
}

_gamenet_bench_rtt() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --json --csv --version -h --help)
    repeating_options=(--size)
    non_repeating_options=(--log-level --duration --warmup --connections --rate --plot)
    __gamenet_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--log-level')
        return
        ;;
    '--size')
        return
        ;;
    '--duration')
        return
        ;;
    '--warmup')
        return
        ;;
    '--connections')
        return
        ;;
    '--rate')
        return
        ;;
    '--plot')
        return
        ;;
    esac
}

_gamenet_bench_throughput() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --json --csv --version -h --help)
    repeating_options=()
    non_repeating_options=(--log-level --size --connections --window --duration --warmup --plot)
    __gamenet_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--log-level')
        return
        ;;
    '--size')
        return
        ;;
    '--connections')
        return
        ;;
    '--window')
        return
        ;;
    '--duration')
        return
        ;;
    '--warmup')
        return
        ;;
    '--plot')
        return
        ;;
    esac
}

_gamenet_bench_conns() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --json --csv --version -h --help)
    repeating_options=()
    non_repeating_options=(--log-level --count --server-pid --interval --hold --size --concurrency --plot)
    __gamenet_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--log-level')
        return
        ;;
    '--count')
        return
        ;;
    '--server-pid')
        return
        ;;
    '--interval')
        return
        ;;
    '--hold')
        return
        ;;
    '--size')
        return
        ;;
    '--concurrency')
        return
        ;;
    '--plot')
        return
        ;;
    esac
}

_gamenet_bench_loss() {
    repeating_flags=(--verbose -v)
    non_repeating_flags=(--quiet -q --jitter-reorders --json --csv --version -h --help)
    repeating_options=(--outage)
    non_repeating_options=(--log-level --preset --delay --jitter --distribution --wave --loss --burst --gemodel --dup --dup-delay --reorder --reorder-delay --reorder-gap --corrupt --rate --rate-burst --queue --up --down --seed --interval --duration --warmup --size --plot)
    __gamenet_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--log-level')
        return
        ;;
    '--preset')
        return
        ;;
    '--delay')
        return
        ;;
    '--jitter')
        return
        ;;
    '--distribution')
        return
        ;;
    '--wave')
        return
        ;;
    '--loss')
        return
        ;;
    '--burst')
        return
        ;;
    '--gemodel')
        return
        ;;
    '--dup')
        return
        ;;
    '--dup-delay')
        return
        ;;
    '--reorder')
        return
        ;;
    '--reorder-delay')
        return
        ;;
    '--reorder-gap')
        return
        ;;
    '--corrupt')
        return
        ;;
    '--rate')
        return
        ;;
    '--rate-burst')
        return
        ;;
    '--queue')
        return
        ;;
    '--outage')
        return
        ;;
    '--up')
        return
        ;;
    '--down')
        return
        ;;
    '--seed')
        return
        ;;
    '--interval')
        return
        ;;
    '--duration')
        return
        ;;
    '--warmup')
        return
        ;;
    '--size')
        return
        ;;
    '--plot')
        return
        ;;
    esac
}

_gamenet_bench_fec() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--data --parity --shard-size --duration)
    __gamenet_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--data')
        return
        ;;
    '--parity')
        return
        ;;
    '--shard-size')
        return
        ;;
    '--duration')
        return
        ;;
    esac
}

_gamenet_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __gamenet_offer_flags_options -1
}

complete -o filenames -F _gamenet gamenet
