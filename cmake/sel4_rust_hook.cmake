# Adds this project to another seL4 project without an edit to its CMakeLists.txt:
#
#   ../init-build.sh <its options> -DCMAKE_PROJECT_INCLUDE=<this project>/cmake/sel4_rust_hook.cmake
#
# CMake includes this file after each project() call of the build. At the top directory's, it
# schedules cmake/sel4_rust.cmake (all that add_subdirectory() of this project does in another
# project) for the end of that directory, when libsel4 is imported and every target of the
# build exists, which SEL4_RUST_LIBSEL4 needs to reach all of them. CMake creates no
# subdirectory then, so this includes the file rather than adding the project.

if(CMAKE_CURRENT_SOURCE_DIR STREQUAL CMAKE_SOURCE_DIR)
    get_property(added GLOBAL PROPERTY SEL4_RUST_HOOK_ADDED)
    if(NOT added)
        set_property(GLOBAL PROPERTY SEL4_RUST_HOOK_ADDED ON)
        # The path is written into the call: a deferred call reads variables when it runs.
        cmake_language(
            EVAL CODE "cmake_language(DEFER DIRECTORY [[${CMAKE_SOURCE_DIR}]] CALL include [[${CMAKE_CURRENT_LIST_DIR}/sel4_rust.cmake]])"
        )
    endif()
endif()
