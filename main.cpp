#include "gateway/app.hpp"

int main(int argc, char** argv) { return lgw::gateway::runCli(argc, argv); }
