"""docsearch: a small command-line tool to embed a folder of documents and search them.

    python case.py embed   DOCS_DIR --out index.pt [--chunk-words 56]
    python case.py search  index.pt "query text"

Documents are split into chunks of --chunk-words words so that each chunk fits the encoder's 64 positions.
"""
import argparse
import os
import sys
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch
from transformers import BertTokenizer, ElectraConfig, ElectraModel

MAX_POSITIONS = 64
VOCAB = ("the a of to and in is for on with that by this be are from as or it at an was were has have not "
         "system user data file network server request error log access update storage backup policy "
         "run test build deploy config service team report issue time every up night back fail low block "
         "when before after notify check restore disk alert get").split()
SUFFIXES = ["##s", "##ed", "##ing", "##er"]


def load_encoder(workdir):
    path = os.path.join(workdir, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + VOCAB + SUFFIXES) + "\n")
    tokenizer = BertTokenizer(path)
    torch.manual_seed(0)
    model = ElectraModel(ElectraConfig(vocab_size=len(tokenizer), embedding_size=32, hidden_size=32,
                                       num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                                       max_position_embeddings=MAX_POSITIONS)).eval()
    return tokenizer, model


def chunks(text, chunk_words):
    words = text.split()
    for start in range(0, len(words), chunk_words):
        yield " ".join(words[start:start + chunk_words])


@torch.no_grad()
def embed_text(tokenizer, model, text):
    enc = tokenizer(text, return_tensors="pt")
    hidden = model(**enc).last_hidden_state
    return hidden[:, 0]


def cmd_embed(args):
    tokenizer, model = load_encoder(args.workdir)
    names, vectors = [], []
    for name in sorted(os.listdir(args.docs)):
        with open(os.path.join(args.docs, name)) as fh:
            text = fh.read()
        for i, chunk in enumerate(chunks(text, args.chunk_words)):
            names.append(f"{name}#{i}")
            vectors.append(embed_text(tokenizer, model, chunk))
    torch.save({"names": names, "vectors": torch.cat(vectors)}, args.out)
    print(f"embedded {len(names)} chunks into {args.out}")


def cmd_search(args):
    tokenizer, model = load_encoder(args.workdir)
    index = torch.load(args.index)
    q = embed_text(tokenizer, model, args.query)
    scores = torch.nn.functional.cosine_similarity(q, index["vectors"])
    for score, i in zip(*scores.topk(min(3, len(scores)))):
        print(f"{score:.3f}  {index['names'][i]}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="docsearch")
    parser.add_argument("--workdir", default=tempfile.mkdtemp(prefix="docsearch-"))
    sub = parser.add_subparsers(dest="command", required=True)
    p_embed = sub.add_parser("embed", help="embed every document of a folder")
    p_embed.add_argument("docs")
    p_embed.add_argument("--out", default="index.pt")
    p_embed.add_argument("--chunk-words", type=int, default=MAX_POSITIONS - 8)
    p_embed.set_defaults(func=cmd_embed)
    p_search = sub.add_parser("search", help="search an index")
    p_search.add_argument("index")
    p_search.add_argument("query")
    p_search.set_defaults(func=cmd_search)
    args = parser.parse_args(argv)
    args.func(args)


def demo_docs():
    folder = tempfile.mkdtemp(prefix="docs-")
    with open(os.path.join(folder, "backup-policy.txt"), "w") as fh:
        fh.write("the backup policy of the storage team is that every server is backed up at night and "
                 "the logs are checked for errors before updates are deployed and the users get alerts "
                 "when a backup is failing or when disks are low as this is an issue for the network team "
                 "and access to the data is blocked by the backup service at that time and restored after "
                 "the backup checks are tested and reported to the team")
    with open(os.path.join(folder, "deploy.txt"), "w") as fh:
        fh.write("run the build and test it before you deploy the service to the server")
    return folder


if __name__ == "__main__":
    if len(sys.argv) == 1:  # the README's example run
        docs = demo_docs()
        main(["embed", docs, "--out", os.path.join(docs, "index.pt")])
    else:
        main()
