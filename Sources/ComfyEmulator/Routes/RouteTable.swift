import ComfyWorkflow
extension EmulatorCore {
    /// Dispatches a request (path already without `/api`) to its handler, as ComfyUI's route table does.
    func route(_ request: RequestInfo) -> Reply {
        let path = request.path
        let get = request.method == "GET" || request.method == "HEAD"
        let post = request.method == "POST"
        func only(_ allowed: Bool, _ reply: @autoclosure () -> Reply) -> Reply { allowed ? reply() : .methodNotAllowed }
        switch path {
        case "/prompt": return get ? getPrompt() : only(post, postPrompt(request))
        case "/queue": return get ? getQueue() : only(post, postQueue(request))
        case "/history": return get ? getHistory(request, promptID: nil) : only(post, postHistory(request))
        case "/interrupt": return only(post, postInterrupt(request))
        case "/free": return only(post, postFree(request))
        case "/view": return only(get, getView(request))
        case "/upload/image": return only(post, postUploadImage(request))
        case "/object_info": return only(get, getObjectInfo(nil))
        case "/system_stats": return only(get, getSystemStats())
        case "/features": return only(get, .json(featureFlags))
        case "/embeddings": return only(get, getEmbeddings())
        case "/models": return only(get, getModels(nil))
        case "/extensions": return only(get, .json([]))
        default: break
        }
        if path.hasPrefix("/history/"), get {
            return getHistory(request, promptID: String(path.dropFirst("/history/".count)))
        }
        if path.hasPrefix("/object_info/"), get {
            return getObjectInfo(String(path.dropFirst("/object_info/".count)))
        }
        if path.hasPrefix("/models/"), get {
            return getModels(String(path.dropFirst("/models/".count)))
        }
        return .notFound
    }
}
