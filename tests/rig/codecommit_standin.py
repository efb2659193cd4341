"""A TEST STAND-IN for AWS CodeCommit. It is not AWS and not part of the product.

moto 5.2.5 implements only Create/Get/DeleteRepository for CodeCommit, so the test rig
serves this instead, on its own 127.0.0.1 port (reached through
AWS_ENDPOINT_URL_CODECOMMIT). It speaks the real wire format (JSON 1.1: POST /,
X-Amz-Target CodeCommit_20150413.<Operation>, errors as HTTP 400 with
{"__type", "message"}), so boto3, the AWS CLI and the Rust SDK work against it unmodified.
Member and error names follow botocore's service model (codecommit/2015-04-13).

Each repository is a bare git repository in a temporary directory, and commits are made
with git plumbing, so commit ids, tree ids, parents and "no change" are real.

When a commit lands on a branch, the "CodeCommit Repository State Change" event is built
as AWS documents it and delivered through the EventBridge rules stored in moto: every
ENABLED rule on the default bus whose pattern matches, to every target that is a
CodePipeline pipeline (StartPipelineExecution on moto). Delivery is synchronous, before
the API call returns, so a test can look for the execution right after its commit.

Limits, on purpose: one namespace of repositories for all regions (the ARN carries the
region of the CreateRepository call); no tags API, merges, pull requests, tags or git
transport; keepEmptyFolders is ignored (git keeps no empty folders).
"""

import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TARGET_PREFIX = "CodeCommit_20150413"
MODES = {"NORMAL": "100644", "EXECUTABLE": "100755", "SYMLINK": "120000"}
MODE_NAMES = {v: k for k, v in MODES.items()}
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
COMMIT_ID = re.compile(r"[0-9a-f]{40}")
PIPELINE_ARN = re.compile(r"arn:aws[\w-]*:codepipeline:([\w-]+):(\d{12}):([^/]+)")
# Isolate git from the user's configuration (signing, hooks, default branch names).
GIT_ENV = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"}


def log(message):
    print(f"codecommit-standin: {message}", file=sys.stderr, flush=True)


class ApiError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class GitError(Exception):
    pass


def git(gitdir, *args, data=b"", env=None):
    """Runs git on a bare repository and returns its stdout (bytes)."""
    proc = subprocess.run(
        ["git", f"--git-dir={gitdir}", *args],
        input=data,
        capture_output=True,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", **GIT_ENV, **(env or {})},
    )
    if proc.returncode != 0:
        raise GitError(f"git {args[0]}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


class Repo:
    def __init__(self, root, name, region, account, description, tags):
        now = time.time()
        self.name, self.region, self.account = name, region, account
        self.id = str(uuid.uuid4())
        self.description, self.tags = description, tags or {}
        self.created = self.modified = now
        self.default_branch = None
        self.arn = f"arn:aws:codecommit:{region}:{account}:{name}"
        self.gitdir = tempfile.mkdtemp(prefix=f"{name}-", suffix=".git", dir=root)
        git(self.gitdir, "init", "--quiet", "--bare")

    def metadata(self):
        host = f"git-codecommit.{self.region}.amazonaws.com"
        meta = {
            "accountId": self.account,
            "repositoryId": self.id,
            "repositoryName": self.name,
            "lastModifiedDate": self.modified,
            "creationDate": self.created,
            "cloneUrlHttp": f"https://{host}/v1/repos/{self.name}",
            "cloneUrlSsh": f"ssh://{host}/v1/repos/{self.name}",
            "Arn": self.arn,
        }
        if self.description is not None:
            meta["repositoryDescription"] = self.description
        if self.default_branch:
            meta["defaultBranch"] = self.default_branch
        return meta

    def head(self, branch):
        """The branch's commit id, or None when the branch does not exist."""
        out = git(self.gitdir, "for-each-ref", "--format=%(objectname)", f"refs/heads/{branch}")
        return out.decode().strip() or None

    def branches(self):
        out = git(self.gitdir, "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/")
        return out.decode().split()

    def is_commit(self, oid):
        try:
            return git(self.gitdir, "cat-file", "-t", oid).strip() == b"commit"
        except GitError:
            return False

    def resolve(self, spec):
        """A commit specifier (branch, tag, commit id; None = default branch) to an id."""
        if spec is None:
            if not self.default_branch:
                raise ApiError("CommitDoesNotExistException",
                               "The repository has no default branch and no commit was specified.")
            spec = self.default_branch
        if not spec or spec.startswith("-"):
            raise ApiError("InvalidCommitException", f"{spec!r} is not a valid commit specifier.")
        for ref in (f"refs/heads/{spec}", f"refs/tags/{spec}"):
            try:
                return git(self.gitdir, "rev-parse", "--verify", "--quiet",
                           f"{ref}^{{commit}}").decode().strip()
            except GitError:
                pass
        if COMMIT_ID.fullmatch(spec) and self.is_commit(spec):
            return spec
        raise ApiError("CommitDoesNotExistException", f"Could not find commit {spec}.")

    def files(self, commit):
        """Every file of a commit: {path: (mode, blob id)}."""
        if commit is None:
            return {}
        out = git(self.gitdir, "ls-tree", "-r", "-z", "--full-tree", commit)
        entries = {}
        for line in out.decode().split("\0"):
            if line:
                meta, path = line.split("\t", 1)
                mode, _kind, oid = meta.split()
                entries[path] = (mode, oid)
        return entries

    def entry(self, commit, path):
        """(mode, kind, oid) of one path in a commit, or None."""
        if not path:
            return ("040000", "tree", git(self.gitdir, "rev-parse", f"{commit}^{{tree}}").decode().strip())
        out = git(self.gitdir, "ls-tree", "-z", "--full-tree", commit, "--", path).decode()
        for line in out.split("\0"):
            if line and line.split("\t", 1)[1] == path:
                mode, kind, oid = line.split("\t", 1)[0].split()
                return (mode, kind, oid)
        return None

    def commit(self, branch, parent, files, author, email, message):
        """Writes the tree and commit and moves the branch (compare-and-swap on parent)."""
        # A throwaway index builds the whole tree, nested folders included, in one call.
        env = {"GIT_INDEX_FILE": os.path.join(self.gitdir, f"index-{uuid.uuid4()}")}
        listing = "".join(f"{mode} {oid}\t{path}\0" for path, (mode, oid) in files.items())
        try:
            git(self.gitdir, "update-index", "-z", "--add", "--index-info",
                data=listing.encode(), env=env)
            tree = git(self.gitdir, "write-tree", env=env).decode().strip()
        finally:
            if os.path.exists(env["GIT_INDEX_FILE"]):
                os.unlink(env["GIT_INDEX_FILE"])
        if parent and tree == self.tree_of(parent):
            raise ApiError("NoChangeException", "The commit cannot be created because no changes "
                           "will be made to the repository as a result of this commit. A commit "
                           "must contain at least one change.")
        date = f"{int(time.time())} +0000"
        who = {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": date,
               "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": email,
               "GIT_COMMITTER_DATE": date}
        args = ["commit-tree", "--no-gpg-sign", tree] + (["-p", parent] if parent else [])
        commit = git(self.gitdir, *args, data=message.encode(), env=who).decode().strip()
        git(self.gitdir, "update-ref", f"refs/heads/{branch}", commit, parent or "0" * 40)
        if not self.default_branch:
            self.default_branch = branch
            git(self.gitdir, "symbolic-ref", "HEAD", f"refs/heads/{branch}")
        self.modified = time.time()
        return commit, tree

    def tree_of(self, commit):
        return git(self.gitdir, "rev-parse", f"{commit}^{{tree}}").decode().strip()


def required(req, member, code):
    value = req.get(member)
    if value is None or value == "":
        raise ApiError(code, f"{member} is required.")
    return value


def clean_path(path):
    parts = path.strip("/").split("/")
    if not path.strip("/") or any(p in ("", ".", "..", ".git") for p in parts):
        raise ApiError("InvalidPathException", f"The path {path!r} is not valid.")
    return "/".join(parts)


def page(items, token, limit):
    """A slice of a list and the token for the next one (tokens are offsets)."""
    try:
        start = int(token) if token else 0
    except ValueError:
        raise ApiError("InvalidContinuationTokenException", "The continuation token is not valid.")
    end = start + limit
    return items[start:end], (str(end) if end < len(items) else None)


class CodeCommitStandIn:
    """The operations. One lock serialises them: git and the repository table change together."""

    def __init__(self, account_id="123456789012", delivery=None):
        self.account = account_id
        self.delivery = delivery
        self.lock = threading.RLock()
        self.root = None  # made on first use: a rig that fails to start leaves nothing behind
        self.repos = {}

    def reset(self):
        with self.lock:
            for repo in self.repos.values():
                shutil.rmtree(repo.gitdir, ignore_errors=True)
            self.repos.clear()

    def close(self):
        with self.lock:
            self.repos.clear()
            if self.root:
                shutil.rmtree(self.root, ignore_errors=True)

    def handle(self, operation, body, region):
        """One API call: returns (HTTP status, JSON-able body)."""
        method = getattr(self, f"op_{operation}", None)
        if method is None:
            return 400, {"__type": "UnknownOperationException",
                         "message": f"{operation} is not served by the CodeCommit test stand-in."}
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            return 400, {"__type": "SerializationException", "message": "Body is not JSON."}
        events = []
        try:
            with self.lock:
                result = method(req, region, events)
        except ApiError as e:
            return 400, {"__type": e.code, "message": e.message}
        for event in events:
            if self.delivery:
                self.delivery.deliver(event)
        return 200, result

    def repo(self, req):
        name = required(req, "repositoryName", "RepositoryNameRequiredException")
        if name not in self.repos:
            raise ApiError("RepositoryDoesNotExistException", f"{name} does not exist")
        return self.repos[name]

    # Repositories

    def op_CreateRepository(self, req, region, events):
        name = required(req, "repositoryName", "RepositoryNameRequiredException")
        if not re.fullmatch(r"[\w.-]{1,100}", name, re.ASCII) or name.endswith(".git"):
            raise ApiError("InvalidRepositoryNameException",
                           "The repository name is not valid. Names may contain letters, digits, "
                           "'.', '_' and '-', at most 100 characters, and may not end in .git.")
        if name in self.repos:
            raise ApiError("RepositoryNameExistsException", f"Repository named {name} already exists")
        self.root = self.root or tempfile.mkdtemp(prefix="codecommit-standin-")
        repo = Repo(self.root, name, region, self.account,
                    req.get("repositoryDescription"), req.get("tags"))
        self.repos[name] = repo
        return {"repositoryMetadata": repo.metadata()}

    def op_GetRepository(self, req, region, events):
        return {"repositoryMetadata": self.repo(req).metadata()}

    def op_DeleteRepository(self, req, region, events):
        # AWS answers an unknown repository with success and no repositoryId.
        name = required(req, "repositoryName", "RepositoryNameRequiredException")
        repo = self.repos.pop(name, None)
        if repo is None:
            return {}
        shutil.rmtree(repo.gitdir, ignore_errors=True)
        return {"repositoryId": repo.id}

    def op_ListRepositories(self, req, region, events):
        sort_by, order = req.get("sortBy", "repositoryName"), req.get("order", "ascending")
        if sort_by not in ("repositoryName", "lastModifiedDate"):
            raise ApiError("InvalidSortByException", "The specified sort by value is not valid.")
        if order not in ("ascending", "descending"):
            raise ApiError("InvalidOrderException", "The specified sort order is not valid.")
        key = (lambda r: r.name) if sort_by == "repositoryName" else (lambda r: r.modified)
        repos = sorted(self.repos.values(), key=key, reverse=order == "descending")
        chunk, token = page(repos, req.get("nextToken"), 1000)
        out = {"repositories": [{"repositoryName": r.name, "repositoryId": r.id} for r in chunk]}
        return dict(out, nextToken=token) if token else out

    # Branches

    def op_GetBranch(self, req, region, events):
        repo = self.repo(req)
        branch = required(req, "branchName", "BranchNameRequiredException")
        commit = repo.head(branch)
        if commit is None:
            raise ApiError("BranchDoesNotExistException", f"Branch {branch} does not exist.")
        return {"branch": {"branchName": branch, "commitId": commit}}

    def op_ListBranches(self, req, region, events):
        repo = self.repo(req)
        chunk, token = page(repo.branches(), req.get("nextToken"), 100)
        return dict({"branches": chunk}, **({"nextToken": token} if token else {}))

    def op_CreateBranch(self, req, region, events):
        repo = self.repo(req)
        branch = self.branch_name(req)
        commit = required(req, "commitId", "CommitIdRequiredException")
        if not COMMIT_ID.fullmatch(commit):
            raise ApiError("InvalidCommitIdException", f"The commit ID {commit} is not valid.")
        if not repo.is_commit(commit):
            raise ApiError("CommitDoesNotExistException", f"Could not find commit {commit}.")
        if repo.head(branch) is not None:
            raise ApiError("BranchNameExistsException", f"Branch {branch} already exists.")
        git(repo.gitdir, "update-ref", f"refs/heads/{branch}", commit, "0" * 40)
        events.append(state_change(repo, branch, commit, None))
        return {}

    def branch_name(self, req):
        branch = required(req, "branchName", "BranchNameRequiredException")
        ok = subprocess.run(["git", "check-ref-format", f"refs/heads/{branch}"]).returncode == 0
        if not ok or len(branch) > 256:
            raise ApiError("InvalidBranchNameException", f"The branch name {branch} is not valid.")
        return branch

    # Commits

    def parent_for(self, repo, branch, parent):
        """Checks parentCommitId against the branch as CodeCommit does; returns the parent."""
        head = repo.head(branch)
        if parent is not None and not COMMIT_ID.fullmatch(parent):
            raise ApiError("InvalidParentCommitIdException", f"The parent commit ID {parent} is not valid.")
        if head is None:
            if repo.branches():
                raise ApiError("BranchDoesNotExistException", f"Branch {branch} does not exist.")
            if parent is not None:
                raise ApiError("ParentCommitDoesNotExistException",
                               f"The parent commit ID {parent} does not exist.")
            return None
        if parent is None:
            raise ApiError("ParentCommitIdRequiredException",
                           "A parent commit ID is required. To view the full commit ID of a branch "
                           "in a repository, use GetBranch or a Git command (for example, git pull "
                           "or git log).")
        if not repo.is_commit(parent):
            raise ApiError("ParentCommitDoesNotExistException",
                           f"The parent commit ID {parent} does not exist.")
        if parent != head:
            raise ApiError("ParentCommitIdOutdatedException",
                           f"The parent commit ID {parent} is not the current tip of branch "
                           f"{branch} ({head}). Use GetBranch to get the current tip.")
        return head

    def op_CreateCommit(self, req, region, events):
        repo = self.repo(req)
        branch = self.branch_name(req)
        puts, deletes = req.get("putFiles") or [], req.get("deleteFiles") or []
        modes = req.get("setFileModes") or []
        if not (puts or deletes or modes):
            raise ApiError("FileEntryRequiredException", "The commit cannot be created because no "
                           "files have been specified as added, updated, or changed.")
        parent = self.parent_for(repo, branch, req.get("parentCommitId"))
        before = repo.files(parent)
        after = dict(before)
        paths = [clean_path(required(e, "filePath", "PathRequiredException"))
                 for e in puts + deletes + modes]
        if len(set(paths)) != len(paths):
            raise ApiError("SamePathRequestException", "The commit cannot be created because one "
                           "or more changes in this commit duplicate actions in the same file path.")
        put_paths = paths[:len(puts)]
        for entry, path in zip(puts, put_paths):
            mode = file_mode(entry.get("fileMode"), default=before.get(path, ("100644",))[0])
            source = entry.get("sourceFile")
            if ("fileContent" in entry) == (source is not None):
                raise ApiError("FileContentAndSourceFileSpecifiedException" if source else
                               "SourceFileOrContentRequiredException",
                               f"Give exactly one of fileContent and sourceFile for {path}.")
            if source:
                src = clean_path(required(source, "filePath", "PathRequiredException"))
                if src not in before:
                    raise ApiError("FileDoesNotExistException", f"{src} does not exist.")
                oid = before[src][1]
                if source.get("isMove"):
                    after.pop(src)
            else:
                oid = git(repo.gitdir, "hash-object", "-w", "--stdin",
                          data=blob(entry["fileContent"])).decode().strip()
            after[path] = (mode, oid)
        for path in paths[len(puts):len(puts) + len(deletes)]:
            if after.pop(path, None) is None:
                raise ApiError("FileDoesNotExistException", f"{path} does not exist.")
        for entry, path in zip(modes, paths[len(puts) + len(deletes):]):
            if path not in after:
                raise ApiError("FileDoesNotExistException", f"{path} does not exist.")
            mode = file_mode(required(entry, "fileMode", "FileModeRequiredException"))
            after[path] = (mode, after[path][1])
        check_conflicts(after, put_paths)
        commit, tree = repo.commit(branch, parent, after, req.get("authorName") or "moto",
                                   req.get("email") or "", req.get("commitMessage") or "")
        events.append(state_change(repo, branch, commit, parent))

        def listing(paths, files):
            return [{"absolutePath": p, "blobId": files[p][1], "fileMode": MODE_NAMES[files[p][0]]}
                    for p in sorted(paths)]
        return {
            "commitId": commit,
            "treeId": tree,
            "filesAdded": listing(after.keys() - before.keys(), after),
            "filesUpdated": listing({p for p in after.keys() & before.keys()
                                     if after[p] != before[p]}, after),
            "filesDeleted": listing(before.keys() - after.keys(), before),
        }

    def op_PutFile(self, req, region, events):
        repo = self.repo(req)
        branch = self.branch_name(req)
        path = clean_path(required(req, "filePath", "PathRequiredException"))
        content = blob(required(req, "fileContent", "FileContentRequiredException"))
        parent = self.parent_for(repo, branch, req.get("parentCommitId"))
        files = repo.files(parent)
        mode = file_mode(req.get("fileMode"), default=files.get(path, ("100644",))[0])
        oid = git(repo.gitdir, "hash-object", "-w", "--stdin", data=content).decode().strip()
        if files.get(path) == (mode, oid):
            raise ApiError("SameFileContentException", "The file was not added or updated because "
                           "the content of the file is exactly the same as the content of that "
                           "file in the repository and branch that you specified.")
        files[path] = (mode, oid)
        check_conflicts(files, [path])
        commit, tree = repo.commit(branch, parent, files, req.get("name") or "moto",
                                   req.get("email") or "", req.get("commitMessage") or "")
        events.append(state_change(repo, branch, commit, parent))
        return {"commitId": commit, "blobId": oid, "treeId": tree}

    def op_GetCommit(self, req, region, events):
        repo = self.repo(req)
        commit = required(req, "commitId", "CommitIdRequiredException")
        if not COMMIT_ID.fullmatch(commit):
            raise ApiError("InvalidCommitIdException", f"The commit ID {commit} is not valid.")
        if not repo.is_commit(commit):
            raise ApiError("CommitIdDoesNotExistException", f"Could not find commit {commit}.")
        raw = git(repo.gitdir, "cat-file", "commit", commit).decode()
        headers, _, message = raw.partition("\n\n")
        out = {"commitId": commit, "parents": [], "message": message, "additionalData": ""}
        for line in headers.split("\n"):
            key, _, value = line.partition(" ")
            if key == "tree":
                out["treeId"] = value
            elif key == "parent":
                out["parents"].append(value)
            elif key in ("author", "committer"):
                who = re.fullmatch(r"(.*) <(.*)> (\d+ [+-]\d{4})", value)
                out[key] = {"name": who[1], "email": who[2], "date": who[3]}
        return {"commit": out}

    # Files and folders

    def op_GetFile(self, req, region, events):
        repo = self.repo(req)
        path = clean_path(required(req, "filePath", "PathRequiredException"))
        commit = repo.resolve(req.get("commitSpecifier"))
        entry = repo.entry(commit, path)
        if entry is None or entry[1] != "blob":
            raise ApiError("FileDoesNotExistException", f"{path} does not exist in {commit}.")
        content = git(repo.gitdir, "cat-file", "blob", entry[2])
        return {"commitId": commit, "blobId": entry[2], "filePath": path,
                "fileMode": MODE_NAMES[entry[0]], "fileSize": len(content),
                "fileContent": base64.b64encode(content).decode()}

    def op_GetFolder(self, req, region, events):
        repo = self.repo(req)
        asked = req.get("folderPath")
        if asked is None:
            raise ApiError("PathRequiredException", "folderPath is required.")
        path = clean_path(asked) if asked.strip("/") else ""
        commit = repo.resolve(req.get("commitSpecifier"))
        entry = repo.entry(commit, path)
        if entry is None or entry[1] != "tree":
            raise ApiError("FolderDoesNotExistException", f"{asked} does not exist in {commit}.")
        out = {"commitId": commit, "folderPath": asked, "treeId": entry[2], "subFolders": [],
               "files": [], "symbolicLinks": [], "subModules": []}
        listing = git(repo.gitdir, "ls-tree", "-z", entry[2]).decode()
        for line in filter(None, listing.split("\0")):
            meta, name = line.split("\t", 1)
            mode, kind, oid = meta.split()
            item = {"absolutePath": f"{path}/{name}" if path else name, "relativePath": name}
            if kind == "tree":
                out["subFolders"].append(dict(item, treeId=oid))
            elif kind == "commit":
                out["subModules"].append(dict(item, commitId=oid))
            else:
                key = "symbolicLinks" if mode == "120000" else "files"
                out[key].append(dict(item, blobId=oid, fileMode=MODE_NAMES[mode]))
        return out

    def op_GetDifferences(self, req, region, events):
        repo = self.repo(req)
        after_spec = required(req, "afterCommitSpecifier", "CommitRequiredException")
        after = repo.resolve(after_spec)
        before_spec = req.get("beforeCommitSpecifier")
        before = repo.resolve(before_spec) if before_spec else EMPTY_TREE
        limit = req.get("MaxResults") or 100
        if not isinstance(limit, int) or limit < 1:
            raise ApiError("InvalidMaxResultsException", "MaxResults must be a positive integer.")
        scopes = []
        for key, commit in (("beforePath", before), ("afterPath", after)):
            if req.get(key):
                scope = clean_path(req[key])
                if commit == EMPTY_TREE or repo.entry(commit, scope) is None:
                    raise ApiError("PathDoesNotExistException", f"{req[key]} does not exist.")
                scopes.append(scope)
        raw = git(repo.gitdir, "diff-tree", "-r", "-z", "--no-renames", before, after).decode()
        fields = raw.split("\0")
        differences = []
        for meta, path in zip(fields[0::2], fields[1::2]):
            old_mode, new_mode, old_oid, new_oid, change = meta.lstrip(":").split()
            if scopes and not any(path == s or path.startswith(s + "/") for s in scopes):
                continue
            diff = {"changeType": change}
            if change != "A":
                diff["beforeBlob"] = {"blobId": old_oid, "path": path, "mode": old_mode}
            if change != "D":
                diff["afterBlob"] = {"blobId": new_oid, "path": path, "mode": new_mode}
            differences.append(diff)
        chunk, token = page(differences, req.get("NextToken"), limit)
        return dict({"differences": chunk}, **({"NextToken": token} if token else {}))


def file_mode(name, default="100644"):
    if name is None:
        return default
    if name not in MODES:
        raise ApiError("InvalidFileModeException", f"The file mode {name} is not valid.")
    return MODES[name]


def blob(b64):
    try:
        return base64.b64decode(b64, validate=True)
    except ValueError:
        raise ApiError("SerializationException", "A blob member is not valid base64.")


def check_conflicts(files, put_paths):
    for path in put_paths:
        parts = path.split("/")
        for i in range(1, len(parts)):
            if "/".join(parts[:i]) in files:
                raise ApiError("DirectoryNameConflictsWithFileNameException",
                               f"{path}: {'/'.join(parts[:i])} is a file in this repository.")
        if any(other.startswith(path + "/") for other in files):
            raise ApiError("FileNameConflictsWithDirectoryNameException",
                           f"{path} is a folder in this repository.")


# Events


def state_change(repo, branch, commit, old_commit):
    """The "CodeCommit Repository State Change" event, shaped as the CodeCommit user guide
    documents referenceCreated and referenceUpdated (monitoring-events)."""
    detail = {
        "event": "referenceUpdated" if old_commit else "referenceCreated",
        "repositoryName": repo.name,
        "repositoryId": repo.id,
        "referenceType": "branch",
        "referenceName": branch,
        "referenceFullName": f"refs/heads/{branch}",
        "commitId": commit,
    }
    if old_commit:
        detail["oldCommitId"] = old_commit
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "CodeCommit Repository State Change",
        "source": "aws.codecommit",
        "account": repo.account,
        "time": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": repo.region,
        "resources": [repo.arn],
        "detail": detail,
    }


class PatternError(Exception):
    pass


def matches(pattern, event):
    """EventBridge event-pattern matching: every field of the pattern must match; a leaf is a
    list of allowed values or operators, matched against a value or any element of a list."""
    if not isinstance(pattern, dict):
        raise PatternError(f"a pattern must be an object, not {pattern!r}")
    for key, want in pattern.items():
        if key == "$or":
            if not any(matches(p, event) for p in want):
                return False
            continue
        present = isinstance(event, dict) and key in event
        value = event.get(key) if present else None
        if isinstance(want, dict):
            if not matches(want, value if isinstance(value, dict) else {}):
                return False
        elif not isinstance(want, list):
            raise PatternError(f"{key}: a leaf must be a list, not {want!r}")
        elif not present:
            if {"exists": False} not in want:
                return False
        elif not any(leaf(m, v) for m in want for v in (value if isinstance(value, list) else [value])):
            return False
    return True


def same_value(a, b):
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return a == b
    return type(a) is type(b) and a == b


def leaf(matcher, value):
    if not isinstance(matcher, dict):
        return same_value(matcher, value)
    if len(matcher) != 1:
        raise PatternError(f"one operator per matcher: {matcher!r}")
    (op, arg), = matcher.items()
    text = value if isinstance(value, str) else None
    if op == "exists":
        return arg is True
    if op in ("prefix", "suffix"):
        if text is None:
            return False
        if isinstance(arg, dict) and list(arg) == ["equals-ignore-case"]:
            text, arg = text.lower(), arg["equals-ignore-case"].lower()
        return text.startswith(arg) if op == "prefix" else text.endswith(arg)
    if op == "equals-ignore-case":
        return text is not None and text.lower() == arg.lower()
    if op == "wildcard":
        return text is not None and re.fullmatch(".*".join(map(re.escape, arg.split("*"))), text, re.S) is not None
    if op == "anything-but":
        if isinstance(arg, dict):
            return not leaf(arg, value)
        return not any(same_value(a, value) for a in (arg if isinstance(arg, list) else [arg]))
    if op == "numeric":
        compare = {"<": float.__lt__, "<=": float.__le__, "=": float.__eq__,
                   ">": float.__gt__, ">=": float.__ge__}
        return (isinstance(value, (int, float)) and not isinstance(value, bool)
                and all(compare[o](float(value), float(n)) for o, n in zip(arg[0::2], arg[1::2])))
    raise PatternError(f"operator {op!r} is not supported by the stand-in")


class EventDelivery:
    """Delivers events through the EventBridge rules that moto stores, to CodePipeline targets."""

    def __init__(self, moto_url):
        self.moto_url = moto_url
        self.clients = {}
        self.lock = threading.Lock()

    def client(self, service, region):
        import boto3
        from botocore.config import Config

        with self.lock:
            if (service, region) not in self.clients:
                self.clients[service, region] = boto3.client(
                    service, region_name=region, endpoint_url=self.moto_url,
                    aws_access_key_id="testing", aws_secret_access_key="testing",
                    config=Config(retries={"max_attempts": 1}))
            return self.clients[service, region]

    def deliver(self, event):
        detail = event["detail"]
        what = (f"{detail['event']} {detail['repositoryName']}:{detail['referenceName']} "
                f"{detail['commitId'][:12]}")
        try:
            events = self.client("events", event["region"])
            delivered = 0
            for rule in paged(events.list_rules, "Rules", EventBusName="default"):
                if rule.get("State") != "ENABLED" or not rule.get("EventPattern"):
                    continue
                try:
                    if not matches(json.loads(rule["EventPattern"]), event):
                        continue
                except (PatternError, ValueError) as e:
                    log(f"rule {rule['Name']}: pattern not understood ({e}); skipped")
                    continue
                for target in paged(events.list_targets_by_rule, "Targets", Rule=rule["Name"],
                                    EventBusName="default"):
                    pipeline = PIPELINE_ARN.fullmatch(target["Arn"])
                    if not pipeline:
                        log(f"{what}: rule {rule['Name']} target {target['Arn']} is not a "
                            "pipeline; not delivered")
                        continue
                    region, _account, name = pipeline.groups()
                    run = self.client("codepipeline", region).start_pipeline_execution(name=name)
                    delivered += 1
                    log(f"delivered {what} via rule {rule['Name']} to pipeline {name} "
                        f"(execution {run['pipelineExecutionId']})")
            if not delivered:
                log(f"{what}: no matching rule with a pipeline target")
        except Exception as e:  # a broken rule or target must not fail the commit
            log(f"{what}: delivery failed: {type(e).__name__}: {e}")


def paged(call, key, **kwargs):
    while True:
        out = call(**kwargs)
        yield from out.get(key, [])
        if not out.get("NextToken"):
            return
        kwargs["NextToken"] = out["NextToken"]


# HTTP


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "codecommit-standin"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        standin = self.server.standin
        if self.path.split("?")[0] == "/moto-api/reset":
            standin.reset()
            return self.send(200, {"status": "ok"})
        service, _, operation = (self.headers.get("X-Amz-Target") or "").partition(".")
        if self.path.split("?")[0] != "/" or service != TARGET_PREFIX:
            return self.send(400, {"__type": "UnknownOperationException",
                                   "message": "Expected POST / with X-Amz-Target "
                                              f"{TARGET_PREFIX}.<Operation>."})
        credential = re.search(r"Credential=[^/]*/\d{8}/([^/]+)/",
                               self.headers.get("Authorization") or "")
        region = credential[1] if credential else self.server.default_region
        try:
            status, payload = standin.handle(operation, body, region)
        except Exception as e:
            log(f"{operation} failed inside the stand-in: {type(e).__name__}: {e}")
            status, payload = 500, {"__type": "InternalFailure", "message": str(e)}
        self.send(status, payload)

    def do_GET(self):
        # Not AWS: lets tests and humans find the bare repositories to inspect with git.
        if self.path.split("?")[0] == "/standin/repos":
            with self.server.standin.lock:
                repos = {n: r.gitdir for n, r in self.server.standin.repos.items()}
            return self.send(200, repos)
        self.send(404, {"__type": "NotFound", "message": "POST / with X-Amz-Target"})

    def send(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        if status >= 400:
            self.send_header("x-amzn-ErrorType", payload["__type"])
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def make_server(port, standin, default_region="us-east-1"):
    """Binds 127.0.0.1:port (0 = any free port); raises OSError when it cannot."""
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.standin = standin
    server.default_region = default_region
    return server
