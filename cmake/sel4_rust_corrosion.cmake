#
# Corrosion, the CMake module that builds the crates with cargo: found installed first, then
# a local checkout, then fetched.
#
#   sel4_rust_find_corrosion(TAG <git tag>)
#       Makes corrosion_import_crate() and the rest of Corrosion's functions available. In order:
#       - an installed Corrosion that find_package(Corrosion) finds (Corrosion_DIR, or
#         CMAKE_PREFIX_PATH, for one in a place of its own);
#       - a checkout named by FETCHCONTENT_SOURCE_DIR_CORROSION (FetchContent's own option);
#       - https://github.com/corrosion-rs/corrosion.git at TAG, fetched into the build directory
#         once. When it cannot be fetched (no network), configuration stops there and says how
#         to install Corrosion or where to point, instead of failing in FetchContent's git step.
#
#   A macro, not a function: Corrosion's module (and an installed Corrosion's package file)
#   must run in the caller's scope, whose variables its functions read later.
include_guard(GLOBAL)

macro(sel4_rust_find_corrosion)
    cmake_parse_arguments(_sel4_rust_corrosion "" "TAG" "" ${ARGN})
    if(NOT _sel4_rust_corrosion_TAG OR _sel4_rust_corrosion_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "sel4_rust_find_corrosion(TAG <tag>): got '${ARGN}'")
    endif()
    find_package(Corrosion 0.6 QUIET)
    if(NOT Corrosion_FOUND)
        _sel4_rust_fetch_corrosion(${_sel4_rust_corrosion_TAG} _sel4_rust_corrosion_dir)
        list(APPEND CMAKE_MODULE_PATH "${_sel4_rust_corrosion_dir}/cmake")
        include(Corrosion)
    endif()
endmacro()

# The source directory of Corrosion at TAG (FETCHCONTENT_SOURCE_DIR_CORROSION, or fetched) in
# the variable named by result; stops configuration, saying what to do, when there is none.
function(_sel4_rust_fetch_corrosion tag result)
    set(url https://github.com/corrosion-rs/corrosion.git)
    set(install
        "git clone -b ${tag} ${url} corrosion && cmake -S corrosion -B corrosion/build -DCORROSION_BUILD_TESTS=OFF && sudo cmake --install corrosion/build"
    )
    include(FetchContent)
    if(FETCHCONTENT_SOURCE_DIR_CORROSION)
        if(NOT EXISTS "${FETCHCONTENT_SOURCE_DIR_CORROSION}/cmake/Corrosion.cmake")
            message(
                FATAL_ERROR
                    "FETCHCONTENT_SOURCE_DIR_CORROSION=${FETCHCONTENT_SOURCE_DIR_CORROSION} is not a checkout of Corrosion (it has no cmake/Corrosion.cmake). Point it at a clone of ${url} (tag ${tag}).")
        endif()
    elseif(NOT EXISTS "${FETCHCONTENT_BASE_DIR}/corrosion-src/cmake/Corrosion.cmake")
        # Asked once per build directory, before FetchContent's git step, whose failure says
        # nothing of the alternatives.
        find_package(Git QUIET)
        if(NOT GIT_FOUND)
            set(why "git is not installed")
        else()
            execute_process(
                COMMAND "${GIT_EXECUTABLE}" ls-remote --exit-code "${url}" "refs/tags/${tag}"
                RESULT_VARIABLE rc
                OUTPUT_QUIET
                ERROR_VARIABLE err
                TIMEOUT 120
            )
            string(STRIP "${err}" err)
            set(why "git ls-remote ${url} ${tag} failed (${rc}): ${err}")
        endif()
        if(NOT GIT_FOUND OR NOT rc EQUAL 0)
            message(
                FATAL_ERROR
                    "Corrosion (the CMake module that builds the Rust crates with cargo) is not installed and cannot be fetched: ${why}\n"
                    "Either install it, once per machine:\n"
                    "    ${install}\n"
                    "(find_package(Corrosion) finds it there; pass -DCorrosion_DIR=<prefix>/lib/cmake/Corrosion for another prefix), "
                    "or point this build at a checkout of it: -DFETCHCONTENT_SOURCE_DIR_CORROSION=<path to corrosion>"
            )
        endif()
    endif()
    FetchContent_Declare(
        Corrosion
        GIT_REPOSITORY ${url}
        GIT_TAG ${tag}
        GIT_SHALLOW TRUE
    )
    # Populated and included, not added as a subdirectory (what Corrosion's own CMakeLists.txt
    # does besides tests and installation): sel4_rust.cmake may run where CMake allows no new
    # subdirectory (cmake/sel4_rust_hook.cmake includes it at the end of a directory).
    FetchContent_GetProperties(Corrosion)
    if(NOT corrosion_POPULATED)
        FetchContent_Populate(Corrosion)
    endif()
    set(${result} "${corrosion_SOURCE_DIR}" PARENT_SCOPE)
endfunction()
