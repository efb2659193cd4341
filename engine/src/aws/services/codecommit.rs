//! CodeCommit: repositories, branches, files, commits and pull requests. Every operation of the
//! API, through the schema-driven conversion of `aws::schema`: a line per operation.

use crate::aws::schema::Required;
use crate::schema_bindings;

/// The required members of the shapes inside the inputs, which the schemas do not mark;
/// derived from the builders of aws-sdk-codecommit 1.123.0.
const NESTED: Required = &[
    ("DeleteFileEntry", &["filePath"]),
    ("PutFileEntry", &["filePath"]),
    ("ReplaceContentEntry", &["filePath", "replacementType"]),
    ("RepositoryTrigger", &["name", "destinationArn", "events"]),
    ("SetFileModeEntry", &["filePath", "fileMode"]),
    ("SourceFileSpecifier", &["filePath"]),
    ("Target", &["repositoryName", "sourceReference"]),
];

schema_bindings!(codecommit, aws_sdk_codecommit, NESTED, {
    associate_approval_rule_template_with_repository
        AssociateApprovalRuleTemplateWithRepositoryInput [
            "approvalRuleTemplateName",
            "repositoryName",
        ]
        "Creates an association between an approval rule template and a specified repository.";
    batch_associate_approval_rule_template_with_repositories
        BatchAssociateApprovalRuleTemplateWithRepositoriesInput [
            "approvalRuleTemplateName",
            "repositoryNames",
        ]
        "Creates an association between an approval rule template and one or more specified \
        repositories.";
    batch_describe_merge_conflicts BatchDescribeMergeConflictsInput [
        "repositoryName",
        "destinationCommitSpecifier",
        "sourceCommitSpecifier",
        "mergeOption",
    ]
        "Returns information about one or more merge conflicts in the attempted merge of two \
        commit specifiers using the squash or three-way merge strategy.";
    batch_disassociate_approval_rule_template_from_repositories
        BatchDisassociateApprovalRuleTemplateFromRepositoriesInput [
            "approvalRuleTemplateName",
            "repositoryNames",
        ]
        "Removes the association between an approval rule template and one or more specified \
        repositories.";
    batch_get_commits BatchGetCommitsInput ["commitIds", "repositoryName"]
        "Returns information about the contents of one or more commits in a repository.";
    batch_get_repositories BatchGetRepositoriesInput ["repositoryNames"]
        "Returns information about one or more repositories.";
    create_approval_rule_template CreateApprovalRuleTemplateInput [
        "approvalRuleTemplateName",
        "approvalRuleTemplateContent",
    ]
        "Creates a template for approval rules that can then be associated with one or more \
        repositories in your Amazon Web Services account.";
    create_branch CreateBranchInput ["repositoryName", "branchName", "commitId"]
        "Creates a branch in a repository and points the branch to a commit.";
    create_commit CreateCommitInput ["repositoryName", "branchName"]
        "Creates a commit for a repository on the tip of a specified branch.";
    create_pull_request CreatePullRequestInput ["title", "targets"]
        "Creates a pull request in the specified repository.";
    create_pull_request_approval_rule CreatePullRequestApprovalRuleInput [
        "pullRequestId",
        "approvalRuleName",
        "approvalRuleContent",
    ]
        "Creates an approval rule for a pull request.";
    create_repository CreateRepositoryInput ["repositoryName"]
        "Creates a new, empty repository.";
    create_unreferenced_merge_commit CreateUnreferencedMergeCommitInput [
        "repositoryName",
        "sourceCommitSpecifier",
        "destinationCommitSpecifier",
        "mergeOption",
    ]
        "Creates an unreferenced commit that represents the result of merging two branches using \
        a specified merge strategy.";
    delete_approval_rule_template DeleteApprovalRuleTemplateInput ["approvalRuleTemplateName"]
        "Deletes a specified approval rule template.";
    delete_branch DeleteBranchInput ["repositoryName", "branchName"]
        "Deletes a branch from a repository, unless that branch is the default branch for the \
        repository.";
    delete_comment_content DeleteCommentContentInput ["commentId"]
        "Deletes the content of a comment made on a change, file, or commit in a repository.";
    delete_file DeleteFileInput ["repositoryName", "branchName", "filePath", "parentCommitId"]
        "Deletes a specified file from a specified branch.";
    delete_pull_request_approval_rule DeletePullRequestApprovalRuleInput [
        "pullRequestId",
        "approvalRuleName",
    ]
        "Deletes an approval rule from a specified pull request.";
    delete_repository DeleteRepositoryInput ["repositoryName"]
        "Deletes a repository.";
    describe_merge_conflicts DescribeMergeConflictsInput [
        "repositoryName",
        "destinationCommitSpecifier",
        "sourceCommitSpecifier",
        "mergeOption",
        "filePath",
    ]
        "Returns information about one or more merge conflicts in the attempted merge of two \
        commit specifiers using the squash or three-way merge strategy.";
    describe_pull_request_events DescribePullRequestEventsInput ["pullRequestId"]
        "Returns information about one or more pull request events.";
    disassociate_approval_rule_template_from_repository
        DisassociateApprovalRuleTemplateFromRepositoryInput [
            "approvalRuleTemplateName",
            "repositoryName",
        ]
        "Removes the association between a template and a repository so that approval rules \
        based on the template are not automatically created when pull requests are created in \
        the specified repository.";
    evaluate_pull_request_approval_rules EvaluatePullRequestApprovalRulesInput [
        "pullRequestId",
        "revisionId",
    ]
        "Evaluates whether a pull request has met all the conditions specified in its associated \
        approval rules.";
    get_approval_rule_template GetApprovalRuleTemplateInput ["approvalRuleTemplateName"]
        "Returns information about a specified approval rule template.";
    get_blob GetBlobInput ["repositoryName", "blobId"]
        "Returns the base-64 encoded content of an individual blob in a repository.";
    get_blob_differences GetBlobDifferencesInput ["repositoryName", "afterBlobId"]
        "Returns a structured, line-level diff between two blob versions in a repository.";
    get_branch GetBranchInput []
        "Returns information about a repository branch, including its name and the last commit ID.";
    get_comment GetCommentInput ["commentId"]
        "Returns the content of a comment made on a change, file, or commit in a repository.";
    get_comment_reactions GetCommentReactionsInput ["commentId"]
        "Returns information about reactions to a specified comment ID.";
    get_comments_for_compared_commit GetCommentsForComparedCommitInput [
        "repositoryName",
        "afterCommitId",
    ]
        "Returns information about comments made on the comparison between two commits.";
    get_comments_for_pull_request GetCommentsForPullRequestInput ["pullRequestId"]
        "Returns comments made on a pull request.";
    get_commit GetCommitInput ["repositoryName", "commitId"]
        "Returns information about a commit, including commit message and committer information.";
    get_differences GetDifferencesInput ["repositoryName", "afterCommitSpecifier"]
        "Returns information about the differences in a valid commit specifier (such as a \
        branch, tag, HEAD, commit ID, or other fully qualified reference).";
    get_file GetFileInput ["repositoryName", "filePath"]
        "Returns the base-64 encoded contents of a specified file and its metadata.";
    get_folder GetFolderInput ["repositoryName", "folderPath"]
        "Returns the contents of a specified folder in a repository.";
    get_merge_commit GetMergeCommitInput [
        "repositoryName",
        "sourceCommitSpecifier",
        "destinationCommitSpecifier",
    ]
        "Returns information about a specified merge commit.";
    get_merge_conflicts GetMergeConflictsInput [
        "repositoryName",
        "destinationCommitSpecifier",
        "sourceCommitSpecifier",
        "mergeOption",
    ]
        "Returns information about merge conflicts between the before and after commit IDs for a \
        pull request in a repository.";
    get_merge_options GetMergeOptionsInput [
        "repositoryName",
        "sourceCommitSpecifier",
        "destinationCommitSpecifier",
    ]
        "Returns information about the merge options available for merging two specified branches.";
    get_pull_request GetPullRequestInput ["pullRequestId"]
        "Gets information about a pull request in a specified repository.";
    get_pull_request_approval_states GetPullRequestApprovalStatesInput [
        "pullRequestId",
        "revisionId",
    ]
        "Gets information about the approval states for a specified pull request.";
    get_pull_request_override_state GetPullRequestOverrideStateInput ["pullRequestId", "revisionId"]
        "Returns information about whether approval rules have been set aside (overridden) for a \
        pull request, and if so, the Amazon Resource Name (ARN) of the user or identity that \
        overrode the rules and their requirements for the pull request.";
    get_repository GetRepositoryInput ["repositoryName"]
        "Returns information about a repository.";
    get_repository_triggers GetRepositoryTriggersInput ["repositoryName"]
        "Gets information about triggers configured for a repository.";
    list_approval_rule_templates ListApprovalRuleTemplatesInput []
        "Lists all approval rule templates in the specified Amazon Web Services Region in your \
        Amazon Web Services account.";
    list_associated_approval_rule_templates_for_repository
        ListAssociatedApprovalRuleTemplatesForRepositoryInput [
            "repositoryName",
        ]
        "Lists all approval rule templates that are associated with a specified repository.";
    list_branches ListBranchesInput ["repositoryName"]
        "Gets information about one or more branches in a repository.";
    list_file_commit_history ListFileCommitHistoryInput ["repositoryName", "filePath"]
        "Retrieves a list of commits and changes to a specified file.";
    list_pull_requests ListPullRequestsInput ["repositoryName"]
        "Returns a list of pull requests for a specified repository.";
    list_repositories ListRepositoriesInput []
        "Gets information about one or more repositories.";
    list_repositories_for_approval_rule_template ListRepositoriesForApprovalRuleTemplateInput [
        "approvalRuleTemplateName",
    ]
        "Lists all repositories associated with the specified approval rule template.";
    list_tags_for_resource ListTagsForResourceInput ["resourceArn"]
        "Gets information about Amazon Web Servicestags for a specified Amazon Resource Name \
        (ARN) in CodeCommit.";
    merge_branches_by_fast_forward MergeBranchesByFastForwardInput [
        "repositoryName",
        "sourceCommitSpecifier",
        "destinationCommitSpecifier",
    ]
        "Merges two branches using the fast-forward merge strategy.";
    merge_branches_by_squash MergeBranchesBySquashInput [
        "repositoryName",
        "sourceCommitSpecifier",
        "destinationCommitSpecifier",
    ]
        "Merges two branches using the squash merge strategy.";
    merge_branches_by_three_way MergeBranchesByThreeWayInput [
        "repositoryName",
        "sourceCommitSpecifier",
        "destinationCommitSpecifier",
    ]
        "Merges two specified branches using the three-way merge strategy.";
    merge_pull_request_by_fast_forward MergePullRequestByFastForwardInput [
        "pullRequestId",
        "repositoryName",
    ]
        "Attempts to merge the source commit of a pull request into the specified destination \
        branch for that pull request at the specified commit using the fast-forward merge \
        strategy.";
    merge_pull_request_by_squash MergePullRequestBySquashInput ["pullRequestId", "repositoryName"]
        "Attempts to merge the source commit of a pull request into the specified destination \
        branch for that pull request at the specified commit using the squash merge strategy.";
    merge_pull_request_by_three_way MergePullRequestByThreeWayInput [
        "pullRequestId",
        "repositoryName",
    ]
        "Attempts to merge the source commit of a pull request into the specified destination \
        branch for that pull request at the specified commit using the three-way merge \
        strategy.";
    override_pull_request_approval_rules OverridePullRequestApprovalRulesInput [
        "pullRequestId",
        "revisionId",
        "overrideStatus",
    ]
        "Sets aside (overrides) all approval rule requirements for a specified pull request.";
    post_comment_for_compared_commit PostCommentForComparedCommitInput [
        "repositoryName",
        "afterCommitId",
        "content",
    ]
        "Posts a comment on the comparison between two commits.";
    post_comment_for_pull_request PostCommentForPullRequestInput [
        "pullRequestId",
        "repositoryName",
        "beforeCommitId",
        "afterCommitId",
        "content",
    ]
        "Posts a comment on a pull request.";
    post_comment_reply PostCommentReplyInput ["inReplyTo", "content"]
        "Posts a comment in reply to an existing comment on a comparison between commits or a \
        pull request.";
    put_comment_reaction PutCommentReactionInput ["commentId", "reactionValue"]
        "Adds or updates a reaction to a specified comment for the user whose identity is used \
        to make the request.";
    put_file PutFileInput ["repositoryName", "branchName", "fileContent", "filePath"]
        "Adds or updates a file in a branch in an CodeCommit repository, and generates a commit \
        for the addition in the specified branch.";
    put_repository_triggers PutRepositoryTriggersInput ["repositoryName", "triggers"]
        "Replaces all triggers for a repository.";
    tag_resource TagResourceInput ["resourceArn", "tags"]
        "Adds or updates tags for a resource in CodeCommit.";
    test_repository_triggers TestRepositoryTriggersInput ["repositoryName", "triggers"]
        "Tests the functionality of repository triggers by sending information to the trigger \
        target.";
    untag_resource UntagResourceInput ["resourceArn", "tagKeys"]
        "Removes tags for a resource in CodeCommit.";
    update_approval_rule_template_content UpdateApprovalRuleTemplateContentInput [
        "approvalRuleTemplateName",
        "newRuleContent",
    ]
        "Updates the content of an approval rule template.";
    update_approval_rule_template_description UpdateApprovalRuleTemplateDescriptionInput [
        "approvalRuleTemplateName",
        "approvalRuleTemplateDescription",
    ]
        "Updates the description for a specified approval rule template.";
    update_approval_rule_template_name UpdateApprovalRuleTemplateNameInput [
        "oldApprovalRuleTemplateName",
        "newApprovalRuleTemplateName",
    ]
        "Updates the name of a specified approval rule template.";
    update_comment UpdateCommentInput ["commentId", "content"]
        "Replaces the contents of a comment.";
    update_default_branch UpdateDefaultBranchInput ["repositoryName", "defaultBranchName"]
        "Sets or changes the default branch name for the specified repository.";
    update_pull_request_approval_rule_content UpdatePullRequestApprovalRuleContentInput [
        "pullRequestId",
        "approvalRuleName",
        "newRuleContent",
    ]
        "Updates the structure of an approval rule created specifically for a pull request.";
    update_pull_request_approval_state UpdatePullRequestApprovalStateInput [
        "pullRequestId",
        "revisionId",
        "approvalState",
    ]
        "Updates the state of a user's approval on a pull request.";
    update_pull_request_description UpdatePullRequestDescriptionInput [
        "pullRequestId",
        "description",
    ]
        "Replaces the contents of the description of a pull request.";
    update_pull_request_status UpdatePullRequestStatusInput ["pullRequestId", "pullRequestStatus"]
        "Updates the status of a pull request.";
    update_pull_request_title UpdatePullRequestTitleInput ["pullRequestId", "title"]
        "Replaces the title of a pull request.";
    update_repository_description UpdateRepositoryDescriptionInput ["repositoryName"]
        "Sets or changes the comment or description for a repository.";
    update_repository_encryption_key UpdateRepositoryEncryptionKeyInput [
        "repositoryName",
        "kmsKeyId",
    ]
        "Updates the Key Management Service encryption key used to encrypt and decrypt a \
        CodeCommit repository.";
    update_repository_name UpdateRepositoryNameInput ["oldName", "newName"]
        "Renames a repository.";
});
