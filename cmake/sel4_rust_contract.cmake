# sel4_rust_contract.cmake: read what the generator says about building Rust for this kernel
# (contract.json, beside the generated bindings). The facts themselves (targets, float ABIs,
# which architectures the runtime supports) are written once, in tools/sel4gen/archinfo.py.
#
#   sel4_rust_choose_target(CONTRACT <contract.json> RESULT_VARIABLE <var>
#                           [BASE_VARIABLE <var>] [SPEC_VARIABLE <var>])
#       The Rust target triple whose calling convention is that of this build's C compiler
#       (the contract lists each candidate with a macro the C compiler predefines for its float
#       ABI). Configuration stops, naming KernelSel4Arch or the C flags, when there is none, and
#       naming the option and its fix for a configuration the contract lists as unsupported.
#       For a target Rust does not have built in, BASE_VARIABLE gets the built-in target it is
#       made from and SPEC_VARIABLE the fields that differ, as `--set;<field>=<value>;...` for
#       tools/sel4_rust_core.py; both are empty for a built-in target.
#
#   sel4_rust_codegen_flags(CONTRACT <contract.json> RESULT_VARIABLE <var>)
#       The rustc flags the configuration asks of all Rust code besides the cfgs (the
#       contract's rust.rustflags: which register holds the thread pointer on 32-bit Arm, ...).
#
#   sel4_rust_require_runtime(CONTRACT <contract.json> WHAT <text>)
#       Stop configuration, naming KernelSel4Arch and what needs it, unless the sel4-runtime
#       crate (Rust root servers) supports this architecture.

include_guard(GLOBAL)

function(_sel4_rust_read_contract path out)
    if(NOT EXISTS "${path}")
        message(FATAL_ERROR "${path} is missing: the sel4gen run that writes it did not happen")
    endif()
    file(READ "${path}" json)
    string(JSON version ERROR_VARIABLE err GET "${json}" contract)
    if(err OR NOT version EQUAL 1)
        message(FATAL_ERROR "${path}: not a version 1 contract (${err}); regenerate it with this project's sel4gen")
    endif()
    set(${out} "${json}" PARENT_SCOPE)
endfunction()

# The strings of a JSON array, as a CMake list.
function(_sel4_rust_json_items json out)
    string(JSON n LENGTH "${json}" ${ARGN})
    set(items)
    if(n GREATER 0)
        math(EXPR last "${n} - 1")
        foreach(i RANGE ${last})
            string(JSON item GET "${json}" ${ARGN} ${i})
            list(APPEND items "${item}")
        endforeach()
    endif()
    set(${out} "${items}" PARENT_SCOPE)
endfunction()

# "a, b, c" from a JSON array of strings.
function(_sel4_rust_json_list json out)
    _sel4_rust_json_items("${json}" items ${ARGN})
    list(JOIN items ", " items)
    set(${out} "${items}" PARENT_SCOPE)
endfunction()

# Sets out to the C flags of the build's user-level code: CMAKE_C_FLAGS with the kernel's base
# flags for user code (BASE_C_FLAGS: -march, -mabi, the word size), which seL4's
# add_default_compilation_options() adds to CMAKE_C_FLAGS in the directory that calls it. In
# sel4test that is each app's own directory, which this project, included at the end of the top
# directory, does not see; without them the compiler's defaults would decide the ABI (a 64-bit
# RISC-V compiler's for riscv32).
function(_sel4_rust_c_flags out)
    set(flags "${CMAKE_C_FLAGS}")
    if(BASE_C_FLAGS)
        string(FIND "${flags}" "${BASE_C_FLAGS}" at)
        if(at EQUAL -1)
            string(APPEND flags " ${BASE_C_FLAGS}")
        endif()
    endif()
    set(${out} "${flags}" PARENT_SCOPE)
endfunction()

function(sel4_rust_choose_target)
    cmake_parse_arguments(PARSE_ARGV 0 ARG "" "CONTRACT;RESULT_VARIABLE;BASE_VARIABLE;SPEC_VARIABLE" "")
    if(ARG_UNPARSED_ARGUMENTS OR NOT ARG_CONTRACT OR NOT ARG_RESULT_VARIABLE)
        message(FATAL_ERROR "sel4_rust_choose_target(CONTRACT <file> RESULT_VARIABLE <var>): got '${ARGN}'")
    endif()
    _sel4_rust_read_contract("${ARG_CONTRACT}" json)
    string(JSON problems LENGTH "${json}" unsupported)
    if(problems GREATER 0)
        _sel4_rust_json_list("${json}" why unsupported)
        message(FATAL_ERROR "This kernel configuration is one the Rust side cannot build for: ${why}")
    endif()
    string(JSON sel4_arch GET "${json}" sel4_arch)
    string(JSON count LENGTH "${json}" rust targets)
    if(count EQUAL 0)
        _sel4_rust_json_list("${json}" arches rust arches)
        message(
            FATAL_ERROR
                "KernelSel4Arch=${sel4_arch}: Rust has no bare-metal target for this architecture, "
                "so this project cannot build for it. Choose a platform of one of: ${arches}."
        )
    endif()
    # The macros the C compiler predefines with this build's flags tell its float ABI.
    _sel4_rust_c_flags(flags)
    separate_arguments(c_flags NATIVE_COMMAND "${flags}")
    execute_process(
        COMMAND "${CMAKE_C_COMPILER}" ${c_flags} -dM -E -x c /dev/null
        OUTPUT_VARIABLE macros
        ERROR_VARIABLE err
        RESULT_VARIABLE rc
    )
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "Cannot ask the C compiler ${CMAKE_C_COMPILER} for its predefined macros:\n${err}")
    endif()
    set(abis)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
        string(JSON triple GET "${json}" rust targets ${i} triple)
        string(JSON c_macro GET "${json}" rust targets ${i} c_macro)
        string(JSON abi GET "${json}" rust targets ${i} float_abi)
        if(macros MATCHES "#define ${c_macro} ")
            set(${ARG_RESULT_VARIABLE} "${triple}" PARENT_SCOPE)
            string(JSON base GET "${json}" rust targets ${i} base)
            set(spec)
            string(JSON fields LENGTH "${json}" rust targets ${i} spec)
            if(fields GREATER 0)
                math(EXPR last_field "${fields} - 1")
                foreach(f RANGE ${last_field})
                    string(JSON field MEMBER "${json}" rust targets ${i} spec ${f})
                    string(JSON value GET "${json}" rust targets ${i} spec "${field}")
                    list(APPEND spec --set "${field}=${value}")
                endforeach()
            endif()
            if(ARG_BASE_VARIABLE)
                set(${ARG_BASE_VARIABLE} "${base}" PARENT_SCOPE)
            endif()
            if(ARG_SPEC_VARIABLE)
                set(${ARG_SPEC_VARIABLE} "${spec}" PARENT_SCOPE)
            endif()
            return()
        endif()
        list(APPEND abis "${abi} (${triple})")
    endforeach()
    list(JOIN abis ", " abis)
    message(
        FATAL_ERROR
            "KernelSel4Arch=${sel4_arch}: the C compiler ${CMAKE_C_COMPILER} with the flags "
            "'${flags}' uses a float ABI no built-in Rust target shares, and Rust and C of "
            "one build must agree on it. Rust can link with: ${abis}. Configure the kernel's "
            "floating-point options or the cross compiler to one of those."
    )
endfunction()

function(sel4_rust_require_runtime)
    cmake_parse_arguments(PARSE_ARGV 0 ARG "" "CONTRACT;WHAT" "")
    if(ARG_UNPARSED_ARGUMENTS OR NOT ARG_CONTRACT OR NOT ARG_WHAT)
        message(FATAL_ERROR "sel4_rust_require_runtime(CONTRACT <file> WHAT <text>): got '${ARGN}'")
    endif()
    _sel4_rust_read_contract("${ARG_CONTRACT}" json)
    string(JSON runtime GET "${json}" rust runtime)
    if(NOT runtime)
        string(JSON sel4_arch GET "${json}" sel4_arch)
        _sel4_rust_json_list("${json}" arches rust runtime_arches)
        message(
            FATAL_ERROR
                "${ARG_WHAT} needs the sel4-runtime crate, which does not support "
                "KernelSel4Arch=${sel4_arch} yet (it supports: ${arches}). A C root server can "
                "still call Rust libraries on this architecture (sel4_rust_link_crate)."
        )
    endif()
endfunction()

function(sel4_rust_codegen_flags)
    cmake_parse_arguments(PARSE_ARGV 0 ARG "" "CONTRACT;RESULT_VARIABLE" "")
    if(ARG_UNPARSED_ARGUMENTS OR NOT ARG_CONTRACT OR NOT ARG_RESULT_VARIABLE)
        message(FATAL_ERROR "sel4_rust_codegen_flags(CONTRACT <file> RESULT_VARIABLE <var>): got '${ARGN}'")
    endif()
    _sel4_rust_read_contract("${ARG_CONTRACT}" json)
    _sel4_rust_json_items("${json}" flags rust rustflags)
    set(${ARG_RESULT_VARIABLE} "${flags}" PARENT_SCOPE)
endfunction()
