# sel4_rust_toolchain.cmake: find a Rust toolchain that can build for the kernel's architecture.
#
# Sets, in the cache:
#   SEL4_RUST_RUSTC, SEL4_RUST_CARGO  the compiler and cargo to use (preset either to choose;
#                                     then only that pair is considered)
#   SEL4_RUST_TARGET                  the Rust target triple (chosen from the generator's contract
#                                     by sel4_rust_choose_target, in sel4_rust_contract.cmake)
#   SEL4_RUST_BUILD_STD               ON: core/alloc are built from rust-src (once per toolchain
#                                     and target, see SEL4_RUST_CORE_CACHE in sel4_rust.cmake);
#                                     OFF: the toolchain has the target prebuilt
#
# Candidates, in order: Debian's /usr/bin/rustc + /usr/bin/cargo, then rustc/cargo on PATH
# (rustup's proxies). A candidate fits if it has the target prebuilt, or has rust-src. When
# none fits, configuration stops with one error naming what is missing and how to install it.

include_guard(GLOBAL)

# Whether rustc at `rustc` can build for `target`; sets out_mode to "prebuilt", "build-std"
# or "" and out_why to the reason when "".
function(_sel4_rust_probe rustc cargo target out_mode out_why)
    set(${out_mode} "" PARENT_SCOPE)
    if(NOT EXISTS "${rustc}" OR NOT EXISTS "${cargo}")
        set(${out_why} "${rustc} / ${cargo}: not found" PARENT_SCOPE)
        return()
    endif()
    # A path to something else (a directory, gcc) would otherwise read as a missing target.
    foreach(tool IN ITEMS rustc cargo)
        set(program "${${tool}}")
        if(IS_DIRECTORY "${program}")
            set(${out_why} "${program} is a directory, not ${tool}" PARENT_SCOPE)
            return()
        endif()
        execute_process(
            COMMAND "${program}" --version
            OUTPUT_VARIABLE version
            ERROR_QUIET
            RESULT_VARIABLE rc
        )
        if(NOT rc EQUAL 0 OR NOT version MATCHES "^${tool} ")
            string(STRIP "${version}" version)
            set(${out_why} "${program} is not ${tool} (its --version says '${version}')" PARENT_SCOPE)
            return()
        endif()
    endforeach()
    execute_process(
        COMMAND "${rustc}" --print target-libdir --target "${target}"
        OUTPUT_VARIABLE libdir
        ERROR_VARIABLE err
        RESULT_VARIABLE rc
        OUTPUT_STRIP_TRAILING_WHITESPACE
    )
    if(NOT rc EQUAL 0)
        set(${out_why} "${rustc} does not know target ${target}" PARENT_SCOPE)
        return()
    endif()
    file(GLOB prebuilt_core "${libdir}/libcore-*.rlib")
    if(prebuilt_core)
        set(${out_mode} "prebuilt" PARENT_SCOPE)
        return()
    endif()
    execute_process(
        COMMAND "${rustc}" --print sysroot
        OUTPUT_VARIABLE sysroot
        OUTPUT_STRIP_TRAILING_WHITESPACE
        RESULT_VARIABLE rc
    )
    set(library "${sysroot}/lib/rustlib/src/rust/library")
    if(rc EQUAL 0 AND EXISTS "${library}/core/Cargo.toml")
        set(${out_mode} "build-std" PARENT_SCOPE)
        return()
    endif()
    set(${out_why} "${rustc} has neither ${target} prebuilt nor rust-src (${library})" PARENT_SCOPE)
endfunction()

# sel4_rust_find_toolchain(TARGET <triple>): the toolchain for <triple>, in the cache variables
# above.
function(sel4_rust_find_toolchain)
    cmake_parse_arguments(PARSE_ARGV 0 ARG "" "TARGET" "")
    if(ARG_UNPARSED_ARGUMENTS OR NOT ARG_TARGET)
        message(FATAL_ERROR "sel4_rust_find_toolchain(TARGET <triple>): got '${ARGN}'")
    endif()
    set(target "${ARG_TARGET}")
    set(pairs)
    if(SEL4_RUST_RUSTC OR SEL4_RUST_CARGO)
        if(NOT SEL4_RUST_RUSTC OR NOT SEL4_RUST_CARGO)
            message(FATAL_ERROR "Set both SEL4_RUST_RUSTC and SEL4_RUST_CARGO, or neither.")
        endif()
        list(APPEND pairs "${SEL4_RUST_RUSTC}|${SEL4_RUST_CARGO}")
    else()
        list(APPEND pairs "/usr/bin/rustc|/usr/bin/cargo")
        find_program(path_rustc rustc NO_CACHE)
        find_program(path_cargo cargo NO_CACHE)
        if(path_rustc AND path_cargo)
            list(APPEND pairs "${path_rustc}|${path_cargo}")
        endif()
    endif()
    set(reasons)
    foreach(pair IN LISTS pairs)
        string(REPLACE "|" ";" pair "${pair}")
        list(GET pair 0 rustc)
        list(GET pair 1 cargo)
        _sel4_rust_probe("${rustc}" "${cargo}" "${target}" mode why)
        if(mode)
            set(SEL4_RUST_RUSTC "${rustc}" CACHE FILEPATH "rustc for seL4 userspace" FORCE)
            set(SEL4_RUST_CARGO "${cargo}" CACHE FILEPATH "cargo for seL4 userspace" FORCE)
            set(SEL4_RUST_TARGET "${target}" CACHE STRING "Rust target triple" FORCE)
            if(mode STREQUAL "build-std")
                set(SEL4_RUST_BUILD_STD ON CACHE BOOL "Build core/alloc from rust-src" FORCE)
            else()
                set(SEL4_RUST_BUILD_STD OFF CACHE BOOL "Build core/alloc from rust-src" FORCE)
            endif()
            message(STATUS "seL4 Rust: ${rustc} for ${target} (${mode})")
            return()
        endif()
        list(APPEND reasons "${why}")
    endforeach()
    list(JOIN reasons "\n  " reasons)
    message(
        FATAL_ERROR
            "No Rust toolchain can build for ${target} (KernelSel4Arch ${KernelSel4Arch}):\n  ${reasons}\n"
            "Install one of:\n"
            "  Debian 12:  apt-get install rustc-web cargo-web rust-web-src   (builds core from rust-src, once)\n"
            "  rustup:     rustup target add ${target}   (or: rustup component add rust-src)\n"
            "or point SEL4_RUST_RUSTC and SEL4_RUST_CARGO at a toolchain that has it."
    )
endfunction()
