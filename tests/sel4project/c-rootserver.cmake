# c-rootserver.cmake: the imports of a small C root server project of the tests and benchmarks
# (sel4build.project_workspace copies it beside settings.cmake). Include it right after
# project(): it imports the kernel, the elfloader, musllibc with sel4runtime, libsel4, util_libs
# and seL4_libs, and seL4's rootserver helpers (DeclareRootserver). After DeclareRootserver,
# c_rootserver_simulation() writes ./simulate for simulation builds.
find_package(seL4 REQUIRED)
find_package(elfloader-tool REQUIRED)
find_package(musllibc REQUIRED)
find_package(util_libs REQUIRED)
find_package(seL4_libs REQUIRED)

sel4_import_kernel()
if(KernelArchARM OR KernelArchRiscV)
    ApplyData61ElfLoaderSettings(${KernelPlatform} ${KernelSel4Arch})
endif()
elfloader_import_project()

musllibc_setup_build_environment_with_sel4runtime()
sel4_import_libsel4()
util_libs_import_libraries()
sel4_libs_import_libraries()

include(rootserver)

# A macro, not a function: the simulation helpers keep their state in the caller's scope.
macro(c_rootserver_simulation)
    if(SIMULATION)
        include(simulation)
        if(KernelPlatformQEMUArmVirt)
            SetSimulationScriptProperty(MEM_SIZE "2G")
        endif()
        GenerateSimulateScript()
    endif()
endmacro()
