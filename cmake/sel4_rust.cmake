# sel4_rust.cmake: build Rust crates for seL4 userspace inside the seL4 CMake flow.
#
# Include this after the kernel and libsel4 are imported (sel4_import_kernel(),
# sel4_import_libsel4()); this project's CMakeLists.txt does, whether it is the top-level
# project or added with add_subdirectory() to another seL4 project. Then:
#
#   sel4_rust_import_crates(MANIFEST_PATH <Cargo.toml> CRATES <crate>... [FEATURES <f>...]
#                           [PROFILE <cargo profile>])
#       Make each staticlib crate of a cargo package/workspace a CMake target of the same name,
#       built by Corrosion for this kernel: for the kernel's architecture, with sel4-sys bindings
#       generated for this kernel configuration, and with `--cfg sel4_cfg_<OPTION>` flags.
#       `core` and `alloc` come from the shared core cache (SEL4_RUST_CORE_CACHE). PROFILE
#       overrides SEL4_RUST_PROFILE for these crates.
#
#   sel4_rust_link_crate(TARGET <c-target> CRATE <crate>)
#       Link an imported crate into a C target (C calls Rust). One Rust staticlib per executable:
#       two would each carry core and clash. With SEL4_RUST_LIBSEL4 on, the target's C code
#       (its own and its libraries') also calls libsel4's functions from the crate: see below.
#
#   sel4_rust_rootserver(NAME <executable> CRATE <crate>)
#       A root server written in Rust: an executable made of the crate (which uses the
#       sel4-runtime crate for its entry point), declared with seL4's DeclareRootserver so that
#       the elfloader image and ./simulate work unchanged.
#
#   sel4_rust_require_kernel(WHAT <text> OPTIONS <option>... [WHY <text>])
#       Stop configuration unless each boolean kernel option (KernelPrinting, KernelDebugBuild,
#       ...) is on, naming the options that are off, what needs them and why: for programs
#       that cannot do their job on, say, a release kernel.
#
# SEL4_RUST_LIBSEL4 (cache BOOL, default OFF): libsel4 implemented in Rust for C code. Needs
# libsel4 configured with -DLibSel4FunctionAttributes=public (this project's settings.cmake sets
# it from SEL4_RUST_LIBSEL4; a project that includes this one sets both), which makes libsel4's
# functions weak symbols in every C file. Once every directory is read, each executable that
# links libsel4 gets the Rust definitions (the strong ones) linked ahead of its objects
# (tools/sel4_rust_libsel4.py): from its own crate when sel4_rust_link_crate gave it one (the
# crate then depends on sel4-sys with its feature `c-api`), else from crates/sel4-libsel4. The
# targets that link libsel4 are compiled one function (and object) per section and linked with
# --gc-sections, which drops public mode's copies of libsel4 (and their constants) in every C
# file. Every call to
# libsel4 from C then runs Rust, without a change to the C sources. Each such link writes
# <target>.map beside the executable, which shows where each definition came from.
# cmake/sel4_rust_hook.cmake adds this project to another one without editing it.
#
# Cache variables: SEL4_RUST_PROFILE (cargo profile, default "release"); SEL4_RUST_CORE_CACHE
# (where core/alloc, built from rust-src once per toolchain and target, are kept for every build
# directory; empty for tools/sel4_rust_core.py's default: $SEL4_RUST_CORE_CACHE, else
# ~/.cache/sel4-rust/core); those of sel4_rust_toolchain.cmake (SEL4_RUST_RUSTC, ...).
# Generated bindings live in ${CMAKE_BINARY_DIR}/sel4-rust/gen (target sel4_rust_bindings), with
# contract.json, the generator's word on the Rust target and the architecture (see
# sel4_rust_contract.cmake).

include_guard(GLOBAL)

set(SEL4_RUST_SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}/.." CACHE INTERNAL "")
get_filename_component(SEL4_RUST_SOURCE_DIR "${SEL4_RUST_SOURCE_DIR}" ABSOLUTE)
set(SEL4_RUST_CORROSION_TAG v0.6.1)
set(SEL4_RUST_PROFILE "release" CACHE STRING "Cargo profile for seL4 Rust crates")
option(SEL4_RUST_LIBSEL4 "C code calls libsel4's functions implemented in Rust (sel4-sys's c-api)" OFF)
if(SEL4_RUST_LIBSEL4 AND NOT LibSel4FunctionAttributes STREQUAL "public")
    message(
        FATAL_ERROR
            "SEL4_RUST_LIBSEL4=ON needs libsel4's functions as weak symbols: configure with "
            "-DLibSel4FunctionAttributes=public (it is '${LibSel4FunctionAttributes}')"
    )
endif()
# Cargo's own profiles and those this project defines (.cargo/config.toml, which cargo reads
# for every crate of this repository): anything else would fail deep in the build, inside a
# cargo command line.
file(STRINGS "${SEL4_RUST_SOURCE_DIR}/.cargo/config.toml" _sel4_rust_profile_lines REGEX "^\\[profile\\.[A-Za-z0-9_-]+\\]")
set(_sel4_rust_profiles dev release test bench)
foreach(line IN LISTS _sel4_rust_profile_lines)
    string(REGEX REPLACE "^\\[profile\\.([A-Za-z0-9_-]+)\\].*" "\\1" name "${line}")
    list(APPEND _sel4_rust_profiles "${name}")
endforeach()
list(REMOVE_DUPLICATES _sel4_rust_profiles)
set_property(CACHE SEL4_RUST_PROFILE PROPERTY STRINGS ${_sel4_rust_profiles})
if(NOT SEL4_RUST_PROFILE IN_LIST _sel4_rust_profiles)
    list(JOIN _sel4_rust_profiles ", " _sel4_rust_profiles)
    message(
        FATAL_ERROR
            "SEL4_RUST_PROFILE=${SEL4_RUST_PROFILE} is not a cargo profile of this project "
            "(${_sel4_rust_profiles}); set -DSEL4_RUST_PROFILE to one of those"
    )
endif()

if(CMAKE_VERSION VERSION_LESS 3.19)
    message(FATAL_ERROR "sel4_rust.cmake needs CMake 3.19 or newer (JSON support); this is ${CMAKE_VERSION}")
endif()
include("${CMAKE_CURRENT_LIST_DIR}/sel4_rust_toolchain.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/sel4_rust_contract.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/sel4_rust_corrosion.cmake")
include(rootserver) # DeclareRootserver, from seL4's cmake-tool helpers

if(NOT TARGET sel4 OR NOT TARGET libsel4_shared_types_gen_pbf)
    message(
        FATAL_ERROR
            "sel4_rust.cmake needs libsel4: include it (or add_subdirectory this project) after "
            "sel4_import_libsel4()."
    )
endif()

if(NOT PYTHON3)
    find_package(Python3 REQUIRED COMPONENTS Interpreter)
    set(PYTHON3 "${Python3_EXECUTABLE}")
endif()

# ----------------------------------------------------------------------------- bindings

function(_sel4_rust_first_dir target out)
    get_target_property(dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
    list(GET dirs 0 dir)
    set(${out} "${dir}" PARENT_SCOPE)
endfunction()

function(_sel4_rust_generate_bindings)
    set(gen "${CMAKE_BINARY_DIR}/sel4-rust/gen")
    get_target_property(libsel4_src sel4 SOURCE_DIR)
    get_target_property(libsel4_bin sel4 BINARY_DIR)
    _sel4_rust_first_dir(kernel_Config kernel_config_dir)
    _sel4_rust_first_dir(sel4_Config libsel4_config_dir)
    set(shared_types "${libsel4_bin}/include/sel4/shared_types.pbf")
    set(arch_types "${libsel4_bin}/sel4_arch_include/${KernelSel4Arch}/sel4/sel4_arch/types.pbf")
    # The kernel's VERSION: which release's header values the bindings take (an unknown
    # release is refused by name).
    get_filename_component(kernel_src "${libsel4_src}" DIRECTORY)
    set(sources
        --kernel-version "${kernel_src}/VERSION"
        --syscall-xml "${libsel4_src}/include/api/syscall.xml"
        --object-api "${libsel4_src}/include/interfaces/object-api.xml"
        --object-api-sel4-arch
        "${libsel4_src}/sel4_arch_include/${KernelSel4Arch}/interfaces/object-api-sel4-arch.xml"
        --object-api-arch "${libsel4_src}/arch_include/${KernelArch}/interfaces/object-api-arch.xml"
        --kernel-config "${kernel_config_dir}/kernel/gen_config.json"
        --libsel4-config "${libsel4_config_dir}/sel4/gen_config.json"
    )
    set(generator_env "${CMAKE_COMMAND}" -E env "PYTHONPATH=${SEL4_RUST_SOURCE_DIR}/tools" "${PYTHON3}")
    set(generator ${generator_env} -m sel4gen -q)

    # The cfg flags depend only on the configuration and the XML, which exist now; cargo needs
    # them at configure time (as RUSTFLAGS), before the kernel build preprocesses the .pbf specs.
    execute_process(
        COMMAND ${generator} --cfg-only --out "${gen}" ${sources}
        RESULT_VARIABLE rc
        ERROR_VARIABLE err
    )
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "sel4gen failed:\n${err}")
    endif()
    # rustc reads the flags from the file (an @argfile): the command lines, which ninja prints
    # on every build, stay short. The copy's name holds its content's hash because cargo
    # fingerprints RUSTFLAGS, not the files they name: a new configuration is a new flag.
    file(SHA256 "${gen}/cfg.rustflags" hash)
    string(SUBSTRING "${hash}" 0 16 hash)
    file(GLOB old_copies "${CMAKE_BINARY_DIR}/sel4-rust/cfg-*.rustflags")
    set(copy "${CMAKE_BINARY_DIR}/sel4-rust/cfg-${hash}.rustflags")
    list(REMOVE_ITEM old_copies "${copy}")
    if(old_copies)
        file(REMOVE ${old_copies})
    endif()
    configure_file("${gen}/cfg.rustflags" "${copy}" COPYONLY)
    set_property(GLOBAL PROPERTY SEL4_RUST_CFG_FLAGS "@${copy}")

    file(
        GLOB_RECURSE generator_files
        "${SEL4_RUST_SOURCE_DIR}/tools/sel4gen/*.py"
        "${SEL4_RUST_SOURCE_DIR}/tools/sel4gen/*.j2"
        "${SEL4_RUST_SOURCE_DIR}/tools/sel4gen/*.toml"
    )
    set(input_files)
    foreach(arg IN LISTS sources)
        if(NOT arg MATCHES "^--")
            list(APPEND input_files "${arg}")
        endif()
    endforeach()
    # The generator rewrites only changed files, so cargo rebuilds only what changed; the stamp
    # tells ninja the step ran.
    add_custom_command(
        OUTPUT "${gen}/.stamp"
        BYPRODUCTS "${gen}/bindings.rs"
        COMMAND
            ${generator} --out "${gen}" --shared-types "${shared_types}" --sel4-arch-types
            "${arch_types}" ${sources}
        COMMAND "${CMAKE_COMMAND}" -E touch "${gen}/.stamp"
        DEPENDS
            ${input_files}
            ${generator_files}
            "${shared_types}"
            "${arch_types}"
            libsel4_shared_types_gen_pbf
            libsel4_sel4_arch_types_gen_pbf
        COMMENT "Generating Rust bindings for this kernel configuration"
        VERBATIM
    )
    # The values the bindings take from header tables, checked against this build's libsel4
    # headers with its own C compiler and flags: a difference fails the build, value by value.
    set(libsel4_targets)
    foreach(t IN ITEMS sel4_generated sel4_Gen sel4_autoconf_Gen)
        if(TARGET ${t})
            list(APPEND libsel4_targets ${t})
        endif()
    endforeach()
    # A target that is never built, only linked with libsel4: its include directories are all
    # libsel4's headers need (its configuration's autoconf.h, for one), transitively.
    # file(CONFIGURE) writes only when the content differs, so reconfiguring rebuilds nothing.
    file(CONFIGURE OUTPUT "${CMAKE_BINARY_DIR}/sel4-rust/abi_includes.c" CONTENT "/* Never built: see sel4_rust.cmake. */\n")
    add_library(sel4_rust_abi_includes OBJECT EXCLUDE_FROM_ALL "${CMAKE_BINARY_DIR}/sel4-rust/abi_includes.c")
    # libsel4 links its configuration privately; its headers include it all the same.
    foreach(t IN ITEMS sel4 sel4_autoconf kernel_Config sel4_Config)
        if(TARGET ${t})
            target_link_libraries(sel4_rust_abi_includes PRIVATE ${t})
        endif()
    endforeach()
    _sel4_rust_c_flags(c_flags)
    # CMP0116: CMake makes the depfile's paths the ones ninja knows the stamp by.
    cmake_policy(PUSH)
    if(POLICY CMP0116)
        cmake_policy(SET CMP0116 NEW)
    endif()
    add_custom_command(
        OUTPUT "${gen}/abi_check.stamp"
        COMMAND
            ${generator_env} -m sel4gen.abicheck --cc "${CMAKE_C_COMPILER}" "--flags=${c_flags}"
            "-I$<JOIN:$<TARGET_PROPERTY:sel4_rust_abi_includes,INCLUDE_DIRECTORIES>,;-I>" --stamp
            "${gen}/abi_check.stamp" --depfile "${gen}/abi_check.d" "${gen}/abi_check.c"
        DEPENDS "${gen}/.stamp" ${libsel4_targets}
        DEPFILE "${gen}/abi_check.d"
        COMMENT "Checking the Rust bindings' header values against libsel4's headers"
        COMMAND_EXPAND_LISTS
        VERBATIM
    )
    cmake_policy(POP)
    # The platform's memory and device regions from the kernel build's description of it
    # (sel4_sys::platform); without one (an older kernel) sel4-sys says it is unknown.
    get_filename_component(kernel_bin "${kernel_config_dir}" DIRECTORY)
    set(platform_info "${kernel_bin}/gen_headers/plat/machine/platform_gen.json")
    set(platform_stamp)
    if(EXISTS "${platform_info}")
        set(platform_stamp "${gen}/platform.stamp")
        add_custom_command(
            OUTPUT "${platform_stamp}"
            BYPRODUCTS "${gen}/platform.rs"
            COMMAND ${generator_env} -m sel4gen.platform --platform-info "${platform_info}" --out "${gen}"
            COMMAND "${CMAKE_COMMAND}" -E touch "${platform_stamp}"
            DEPENDS "${platform_info}" ${generator_files}
            COMMENT "Generating the Rust platform description"
            VERBATIM
        )
    else()
        file(REMOVE "${gen}/platform.rs" "${gen}/platform.stamp")
    endif()
    add_custom_target(sel4_rust_bindings DEPENDS "${gen}/.stamp" "${gen}/abi_check.stamp" ${platform_stamp})
    set(SEL4_RUST_GENERATED_DIR "${gen}" CACHE INTERNAL "")
endfunction()

# Cargo runs offline: our own crates have no dependencies outside this project.
function(_sel4_rust_cargo_home out)
    set(home "${CMAKE_BINARY_DIR}/sel4-rust/cargo-home")
    file(CONFIGURE OUTPUT "${home}/config.toml" CONTENT "[net]\noffline = true\n" @ONLY)
    # In the cache, so that a project that add_subdirectory()'d this one sees it too.
    set(${out} "${home}" CACHE INTERNAL "")
endfunction()

# core, alloc and compiler_builtins for toolchains that lack them prebuilt (Debian's): built
# from rust-src once per toolchain and target into SEL4_RUST_CORE_CACHE, shared by every build
# directory, and handed to rustc as its sysroot. Sets SEL4_RUST_SYSROOT_FLAGS (empty when the
# toolchain has the target prebuilt) and the target sel4_rust_core.
function(_sel4_rust_core)
    add_custom_target(sel4_rust_core)
    set(SEL4_RUST_SYSROOT_FLAGS "" CACHE INTERNAL "")
    if(NOT SEL4_RUST_BUILD_STD)
        return()
    endif()
    # Empty: the tool's default ($SEL4_RUST_CORE_CACHE, else ~/.cache/sel4-rust/core).
    set(SEL4_RUST_CORE_CACHE "" CACHE PATH "Where core/alloc built from rust-src are kept, shared by build directories")
    set(core_command
        "${PYTHON3}" "${SEL4_RUST_SOURCE_DIR}/tools/sel4_rust_core.py" --rustc "${SEL4_RUST_RUSTC}" --cargo
        "${SEL4_RUST_CARGO}" --target "${SEL4_RUST_TARGET}"
    )
    if(SEL4_RUST_CORE_CACHE)
        list(APPEND core_command --cache "${SEL4_RUST_CORE_CACHE}")
    endif()
    execute_process(
        COMMAND ${core_command} path
        OUTPUT_VARIABLE sysroot
        ERROR_VARIABLE err
        RESULT_VARIABLE rc
        OUTPUT_STRIP_TRAILING_WHITESPACE
    )
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "SEL4_RUST_CORE_CACHE: ${err}")
    endif()
    # The build uses the directory resolved now, whatever the environment is then.
    get_filename_component(cache "${sysroot}" DIRECTORY)
    add_custom_command(
        OUTPUT "${sysroot}/sel4-rust-core.complete"
        COMMAND ${core_command} --cache "${cache}" build --quiet
        COMMENT "core and alloc for ${SEL4_RUST_TARGET} (built once into ${cache})"
        VERBATIM
    )
    add_custom_target(sel4_rust_core_sysroot DEPENDS "${sysroot}/sel4-rust-core.complete")
    add_dependencies(sel4_rust_core sel4_rust_core_sysroot)
    set(SEL4_RUST_SYSROOT_FLAGS "--sysroot=${sysroot}" CACHE INTERNAL "")
endfunction()

# The contract (written with the cfg flags at configure time) names the Rust target.
_sel4_rust_generate_bindings()
sel4_rust_choose_target(
    CONTRACT "${SEL4_RUST_GENERATED_DIR}/contract.json" RESULT_VARIABLE target BASE_VARIABLE base SPEC_VARIABLE spec
)
if(base)
    # A target Rust does not have built in: the toolchain must know the one it is made from,
    # and its specification (written by the tool from rustc's own) names the target for cargo.
    sel4_rust_find_toolchain(TARGET "${base}")
    set(spec_file "${CMAKE_BINARY_DIR}/sel4-rust/targets/${target}.json")
    execute_process(
        COMMAND
            "${PYTHON3}" "${SEL4_RUST_SOURCE_DIR}/tools/sel4_rust_core.py" spec --rustc "${SEL4_RUST_RUSTC}" --base
            "${base}" ${spec} --out "${spec_file}"
        OUTPUT_QUIET
        ERROR_VARIABLE err
        RESULT_VARIABLE rc
    )
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "The Rust target ${target} (made from ${base}) cannot be specified: ${err}")
    endif()
    set(SEL4_RUST_TARGET "${spec_file}" CACHE STRING "Rust target triple" FORCE)
else()
    sel4_rust_find_toolchain(TARGET "${target}")
endif()

# Corrosion drives cargo; the toolchain found above is the one it must use (rustup's proxies
# come first on PATH but lack the bare-metal targets).
set(Rust_COMPILER "${SEL4_RUST_RUSTC}" CACHE FILEPATH "" FORCE)
set(Rust_CARGO "${SEL4_RUST_CARGO}" CACHE FILEPATH "" FORCE)
set(Rust_CARGO_TARGET "${SEL4_RUST_TARGET}" CACHE STRING "" FORCE)
sel4_rust_find_corrosion(TAG ${SEL4_RUST_CORROSION_TAG})

_sel4_rust_cargo_home(SEL4_RUST_CARGO_HOME)
_sel4_rust_core()

# Once per build, for every crate imported below: the configuration's code-generation flags.
# In the cache, so that a project that add_subdirectory()'d this one sees them too.
sel4_rust_codegen_flags(CONTRACT "${SEL4_RUST_GENERATED_DIR}/contract.json" RESULT_VARIABLE codegen_flags)
set(SEL4_RUST_CODEGEN_FLAGS "${codegen_flags}" CACHE INTERNAL "")
# Written only when missing or different (file(CONFIGURE)), so reconfiguring relinks nothing.
file(CONFIGURE OUTPUT "${CMAKE_BINARY_DIR}/sel4-rust/empty.c" CONTENT "/* An executable needs a source; the code is Rust. */\n")

# Corrosion's cargo step (the custom target _cargo-build_<crate>) has no COMMENT, so ninja
# shows its whole command line, and it does so on every build: cargo runs each time to see
# whether anything changed. Corrosion takes no COMMENT, so add_custom_target is wrapped: while
# sel4_rust_import_crates imports (_SEL4_RUST_NAME_CARGO_STEPS), the cargo step gets a
# one-line description. Every call is passed on exactly as made: bracket arguments keep
# semicolons, empty arguments and generator expressions as they are. Defined once, because a
# second definition would make _add_custom_target name the first one and recurse. Older CMake
# than 3.18 (no cmake_language) keeps Corrosion's command line.
get_property(_sel4_rust_wrapped GLOBAL PROPERTY SEL4_RUST_WRAPPED_ADD_CUSTOM_TARGET)
if(NOT _sel4_rust_wrapped AND CMAKE_VERSION VERSION_GREATER_EQUAL 3.18)
    set_property(GLOBAL PROPERTY SEL4_RUST_WRAPPED_ADD_CUSTOM_TARGET TRUE)
    function(add_custom_target name)
        set(code "_add_custom_target(")
        math(EXPR last "${ARGC} - 1")
        foreach(i RANGE 0 ${last})
            string(APPEND code " [=======[${ARGV${i}}]=======]")
        endforeach()
        if(_SEL4_RUST_NAME_CARGO_STEPS AND name MATCHES "^_cargo-build_(.+)$")
            string(APPEND code " COMMENT [=======[Building Rust crate ${CMAKE_MATCH_1} (cargo)]=======]")
        endif()
        cmake_language(EVAL CODE "${code})")
    endfunction()
endif()

# ----------------------------------------------------------------------------- API

function(sel4_rust_import_crates)
    cmake_parse_arguments(PARSE_ARGV 0 ARG "" "MANIFEST_PATH;PROFILE" "CRATES;FEATURES")
    if(ARG_UNPARSED_ARGUMENTS OR NOT ARG_MANIFEST_PATH OR NOT ARG_CRATES)
        message(
            FATAL_ERROR
                "sel4_rust_import_crates(MANIFEST_PATH <Cargo.toml> CRATES <crate>... [FEATURES ...] [PROFILE ...]): "
                "got '${ARGN}'"
        )
    endif()
    set(profile ${SEL4_RUST_PROFILE})
    if(ARG_PROFILE)
        set(profile ${ARG_PROFILE})
    endif()
    set(features)
    if(ARG_FEATURES)
        set(features FEATURES ${ARG_FEATURES})
    endif()
    # Offline builds cannot fetch: a crates.io or git dependency is refused here, by name, rather
    # than by cargo deep in the build.
    execute_process(
        COMMAND "${PYTHON3}" "${SEL4_RUST_SOURCE_DIR}/tools/sel4_rust_deps.py" "${ARG_MANIFEST_PATH}"
        ERROR_VARIABLE err
        RESULT_VARIABLE rc
    )
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "sel4_rust_import_crates(MANIFEST_PATH ${ARG_MANIFEST_PATH}):\n${err}")
    endif()
    # Corrosion gives each manifest it is handed a cargo target directory of its own. Handing it
    # the manifest of the crate's cargo workspace lets all the workspace's crates share one; the
    # build directory's workspaces (each example is one) share cargo's intermediate files
    # (--build-dir), so that the sel4 crates are compiled once per build directory, not once
    # per program.
    execute_process(
        COMMAND
            "${CMAKE_COMMAND}" -E env "CARGO_HOME=${SEL4_RUST_CARGO_HOME}" "${SEL4_RUST_CARGO}"
            locate-project --workspace --message-format plain --manifest-path "${ARG_MANIFEST_PATH}"
        OUTPUT_VARIABLE workspace_manifest
        ERROR_VARIABLE err
        RESULT_VARIABLE rc
        OUTPUT_STRIP_TRAILING_WHITESPACE
    )
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "sel4_rust_import_crates: cargo cannot read ${ARG_MANIFEST_PATH}:\n${err}")
    endif()
    # The workspace's lock file lives in the build directory: a build leaves the sources as
    # they were (path dependencies only, so it holds nothing a user would want to pin).
    string(SHA1 key "${workspace_manifest}")
    string(SUBSTRING "${key}" 0 12 key)
    execute_process(
        COMMAND
            "${PYTHON3}" "${SEL4_RUST_SOURCE_DIR}/tools/sel4_rust_core.py" cargo-flags --rustc "${SEL4_RUST_RUSTC}"
            --cargo "${SEL4_RUST_CARGO}" --target "${SEL4_RUST_TARGET}" --lockfile
            "${CMAKE_BINARY_DIR}/sel4-rust/cargo-locks/${key}/Cargo.lock" --build-dir
            "${CMAKE_BINARY_DIR}/sel4-rust/cargo-build"
        OUTPUT_VARIABLE cargo_flags
        ERROR_VARIABLE err
        RESULT_VARIABLE rc
        OUTPUT_STRIP_TRAILING_WHITESPACE
    )
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "sel4_rust_import_crates: tools/sel4_rust_core.py cargo-flags failed:\n${err}")
    endif()
    string(REPLACE "\n" ";" cargo_flags "${cargo_flags}")
    if(NOT CORROSION_VERBOSE_OUTPUT)
        # cargo runs on every ninja, to see whether anything changed: no "Finished" line when
        # nothing did (warnings and errors still print). Corrosion's --verbose excludes it.
        list(APPEND cargo_flags --quiet)
    endif()
    set(_SEL4_RUST_NAME_CARGO_STEPS TRUE)
    corrosion_import_crate(
        MANIFEST_PATH "${workspace_manifest}"
        CRATES ${ARG_CRATES}
        CRATE_TYPES staticlib
        PROFILE ${profile}
        NO_STD
        ${features}
        FLAGS ${cargo_flags}
    )
    get_property(cfg_flags GLOBAL PROPERTY SEL4_RUST_CFG_FLAGS)
    foreach(crate IN LISTS ARG_CRATES)
        corrosion_set_env_vars(
            ${crate}
            RUSTC_BOOTSTRAP=1
            "SEL4_SYS_GENERATED_DIR=${SEL4_RUST_GENERATED_DIR}"
            "CARGO_HOME=${SEL4_RUST_CARGO_HOME}"
        )
        # local-exec: the root server's TLS is laid out statically, as C's is.
        corrosion_add_target_rustflags(
            ${crate} ${cfg_flags} ${SEL4_RUST_CODEGEN_FLAGS} ${SEL4_RUST_SYSROOT_FLAGS} -Ztls-model=local-exec
        )
        # cargo-prebuild_ is what Corrosion's cargo step waits for; cargo-build_ is only a wrapper.
        add_dependencies(cargo-prebuild_${crate} sel4_rust_bindings sel4_rust_core)
    endforeach()
endfunction()

function(sel4_rust_link_crate)
    cmake_parse_arguments(PARSE_ARGV 0 ARG "" "TARGET;CRATE" "")
    if(ARG_UNPARSED_ARGUMENTS OR NOT ARG_TARGET OR NOT ARG_CRATE)
        message(FATAL_ERROR "sel4_rust_link_crate(TARGET <c-target> CRATE <crate>): got '${ARGN}'")
    endif()
    if(NOT TARGET ${ARG_CRATE})
        message(FATAL_ERROR "sel4_rust_link_crate: import crate ${ARG_CRATE} first (sel4_rust_import_crates)")
    endif()
    target_link_libraries(${ARG_TARGET} PRIVATE ${ARG_CRATE})
    if(SEL4_RUST_LIBSEL4)
        _sel4_rust_libsel4_from(TARGET ${ARG_TARGET} CRATE ${ARG_CRATE})
    endif()
endfunction()

# SEL4_RUST_LIBSEL4 for one C target: the crate's libsel4 functions, declared undefined and
# its archive named before the target's objects, so the linker takes them instead of the weak C
# definitions (a response file made from the built archive, which lists what it defines).
function(_sel4_rust_libsel4_from)
    cmake_parse_arguments(PARSE_ARGV 0 ARG "" "TARGET;CRATE" "")
    set_property(GLOBAL APPEND PROPERTY SEL4_RUST_LIBSEL4_OWN_CRATE ${ARG_TARGET})
    _sel4_rust_libsel4_options(CRATE ${ARG_CRATE} NAME ${ARG_TARGET} RESULT_VARIABLE options)
    _sel4_rust_libsel4_apply(TARGET ${ARG_TARGET} OPTIONS "${options}" DEPENDS ${ARG_TARGET}_sel4_rust_libsel4)
endfunction()

# The response file of the crate's libsel4 functions (tools/sel4_rust_libsel4.py), made once the
# crate is built, and the target <NAME>_sel4_rust_libsel4 that makes it.
function(_sel4_rust_libsel4_options)
    cmake_parse_arguments(PARSE_ARGV 0 ARG "" "CRATE;NAME;RESULT_VARIABLE" "")
    # Corrosion sets the archive's location late (deferred): read it at generation time.
    set(archive "$<TARGET_FILE:${ARG_CRATE}-static>")
    set(options "${CMAKE_CURRENT_BINARY_DIR}/${ARG_NAME}-libsel4.rsp")
    add_custom_command(
        OUTPUT "${options}"
        COMMAND "${PYTHON3}" "${SEL4_RUST_SOURCE_DIR}/tools/sel4_rust_libsel4.py" --nm "${CMAKE_NM}" --archive
                "${archive}" --out "${options}"
        DEPENDS "${archive}" "${SEL4_RUST_SOURCE_DIR}/tools/sel4_rust_libsel4.py"
        COMMENT "libsel4 functions of ${ARG_CRATE} for ${ARG_NAME}"
        VERBATIM
    )
    add_custom_target(${ARG_NAME}_sel4_rust_libsel4 DEPENDS "${options}")
    set(${ARG_RESULT_VARIABLE} "${options}" PARENT_SCOPE)
endfunction()

# Properties rather than target_link_*: the target may belong to another directory.
function(_sel4_rust_libsel4_apply)
    cmake_parse_arguments(PARSE_ARGV 0 ARG "" "TARGET;OPTIONS;DEPENDS" "")
    add_dependencies(${ARG_TARGET} ${ARG_DEPENDS})
    set_property(
        TARGET ${ARG_TARGET} APPEND PROPERTY LINK_OPTIONS "@${ARG_OPTIONS}" "-Wl,-Map=$<TARGET_FILE:${ARG_TARGET}>.map"
    )
    set_property(TARGET ${ARG_TARGET} APPEND PROPERTY LINK_DEPENDS "${ARG_OPTIONS}")
endfunction()

# Whether `target` links libsel4 (the target `sel4`), directly or through the libraries it links.
function(_sel4_rust_links_libsel4 target result)
    set(todo ${target})
    set(seen)
    while(todo)
        list(POP_FRONT todo t)
        if(t IN_LIST seen OR NOT TARGET "${t}")
            continue()
        endif()
        list(APPEND seen ${t})
        if(t STREQUAL "sel4")
            set(${result} ON PARENT_SCOPE)
            return()
        endif()
        get_target_property(type ${t} TYPE)
        set(props INTERFACE_LINK_LIBRARIES)
        if(NOT type STREQUAL "INTERFACE_LIBRARY")
            list(APPEND props LINK_LIBRARIES)
        endif()
        foreach(prop IN LISTS props)
            get_target_property(libs ${t} ${prop})
            foreach(lib IN LISTS libs)
                # $<LINK_ONLY:x>, as CMake records a static library's private dependencies.
                string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" lib "${lib}")
                list(APPEND todo "${lib}")
            endforeach()
        endforeach()
    endwhile()
    set(${result} OFF PARENT_SCOPE)
endfunction()

# The targets of the directory `dir` and of those below it.
function(_sel4_rust_all_targets dir result)
    get_property(found DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
    get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
    foreach(sub IN LISTS subdirs)
        _sel4_rust_all_targets("${sub}" more)
        list(APPEND found ${more})
    endforeach()
    set(${result} "${found}" PARENT_SCOPE)
endfunction()

# SEL4_RUST_LIBSEL4 for the whole build, once every directory is read.
#
# libsel4's public mode puts a weak copy of each of its functions into every C file that
# includes it (megabytes in sel4test, whose driver then cannot load its tests). Compiled one
# function per section, the copies nobody calls (all of them, with the Rust definitions there)
# are dropped by the link's garbage collection: every target that links libsel4 gets both.
# Each executable among them that has no Rust library of its own (sel4_rust_link_crate) links
# crates/sel4-libsel4.
function(_sel4_rust_libsel4_everywhere)
    _sel4_rust_all_targets("${CMAKE_SOURCE_DIR}" targets)
    get_property(own GLOBAL PROPERTY SEL4_RUST_LIBSEL4_OWN_CRATE)
    foreach(t IN LISTS targets)
        get_target_property(type ${t} TYPE)
        if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|OBJECT_LIBRARY)$")
            continue()
        endif()
        _sel4_rust_links_libsel4(${t} uses)
        if(NOT uses)
            continue()
        endif()
        set_property(TARGET ${t} APPEND PROPERTY COMPILE_OPTIONS -ffunction-sections -fdata-sections)
        if(NOT type STREQUAL "EXECUTABLE")
            continue()
        endif()
        set_property(TARGET ${t} APPEND PROPERTY LINK_OPTIONS -Wl,--gc-sections)
        if(NOT t IN_LIST own)
            set_property(TARGET ${t} APPEND PROPERTY LINK_LIBRARIES sel4_libsel4)
            _sel4_rust_libsel4_apply(
                TARGET ${t} OPTIONS "${SEL4_RUST_LIBSEL4_OPTIONS}" DEPENDS sel4_libsel4_sel4_rust_libsel4
            )
            message(STATUS "SEL4_RUST_LIBSEL4: ${t} calls libsel4 in Rust (crates/sel4-libsel4)")
        endif()
    endforeach()
endfunction()

function(sel4_rust_rootserver)
    cmake_parse_arguments(PARSE_ARGV 0 ARG "" "NAME;CRATE" "")
    if(ARG_UNPARSED_ARGUMENTS OR NOT ARG_NAME OR NOT ARG_CRATE)
        message(FATAL_ERROR "sel4_rust_rootserver(NAME <executable> CRATE <crate>): got '${ARGN}'")
    endif()
    sel4_rust_require_runtime(
        CONTRACT "${SEL4_RUST_GENERATED_DIR}/contract.json" WHAT "sel4_rust_rootserver(NAME ${ARG_NAME})"
    )
    add_executable(${ARG_NAME} "${CMAKE_BINARY_DIR}/sel4-rust/empty.c")
    sel4_rust_link_crate(TARGET ${ARG_NAME} CRATE ${ARG_CRATE})
    # No C runtime or libc: the crate's sel4-runtime provides _sel4_start, core provides mem*.
    target_link_options(${ARG_NAME} PRIVATE -nostartfiles -nostdlib -static -Wl,--gc-sections)
    DeclareRootserver(${ARG_NAME})
endfunction()

function(sel4_rust_require_kernel)
    cmake_parse_arguments(PARSE_ARGV 0 ARG "" "WHAT;WHY" "OPTIONS")
    if(ARG_UNPARSED_ARGUMENTS OR NOT ARG_WHAT OR NOT ARG_OPTIONS)
        message(FATAL_ERROR "sel4_rust_require_kernel(WHAT <text> OPTIONS <option>... [WHY <text>]): got '${ARGN}'")
    endif()
    set(off)
    foreach(option IN LISTS ARG_OPTIONS)
        if(NOT ${option})
            list(APPEND off "${option}")
        endif()
    endforeach()
    list(LENGTH off count)
    if(count GREATER 0)
        list(JOIN off ", " off)
        set(why "")
        if(ARG_WHY)
            set(why " (${ARG_WHY})")
        endif()
        message(
            FATAL_ERROR
                "${ARG_WHAT} needs a kernel with ${off} on${why}; this configuration has them off "
                "(a release kernel, -DRELEASE=TRUE, has no debug console). Build it with a debug "
                "kernel, or choose another program."
        )
    endif()
endfunction()

# SEL4_RUST_LIBSEL4: libsel4 in Rust for the executables that have no Rust library of their own,
# linked into them once every directory of the build is read (the end of the top directory).
if(SEL4_RUST_LIBSEL4)
    sel4_rust_import_crates(
        MANIFEST_PATH "${SEL4_RUST_SOURCE_DIR}/crates/sel4-libsel4/Cargo.toml" CRATES sel4_libsel4 PROFILE libsel4
    )
    _sel4_rust_libsel4_options(CRATE sel4_libsel4 NAME sel4_libsel4 RESULT_VARIABLE options)
    set(SEL4_RUST_LIBSEL4_OPTIONS "${options}" CACHE INTERNAL "")
    cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _sel4_rust_libsel4_everywhere)
endif()
