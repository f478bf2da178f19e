"""Prior-art search helper: fine-tune a small bi-encoder on claim/citation pairs, then rerank
the examiner's candidate pools and report recall@k."""
import argparse
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

# claim -> cited document (positives); POOLS holds the examiner candidates per claim
PAIRS = [
    ("rotor blade with serrated trailing edge to reduce noise", "serrated trailing edge for wind turbine blade"),
    ("battery pack cooling plate with coolant channels", "coolant channel plate for lithium cell module"),
    ("hearing aid with directional microphone array", "directional microphone array for ear worn device"),
    ("seed drill with variable rate metering unit", "variable rate seed metering for planter"),
    ("surgical stapler with articulating jaw", "articulating jaw assembly for stapling instrument"),
    ("heat pump defrost control using outdoor coil sensor", "defrost cycle triggered by outdoor coil temperature"),
]
POOLS = {
    0: ["serrated trailing edge for wind turbine blade", "coolant channel plate for lithium cell module",
        "variable rate seed metering for planter", "defrost cycle triggered by outdoor coil temperature"],
    1: ["coolant channel plate for lithium cell module", "directional microphone array for ear worn device",
        "articulating jaw assembly for stapling instrument", "serrated trailing edge for wind turbine blade"],
    2: ["directional microphone array for ear worn device", "variable rate seed metering for planter",
        "coolant channel plate for lithium cell module", "defrost cycle triggered by outdoor coil temperature"],
    3: ["variable rate seed metering for planter", "articulating jaw assembly for stapling instrument",
        "serrated trailing edge for wind turbine blade", "directional microphone array for ear worn device"],
}


def bootstrap_encoder(folder, hidden, max_len, **_):
    """Write a tiny random BERT + vocab so the pipeline runs offline."""
    words = sorted({w for a, b in PAIRS for w in (a + " " + b).split()})
    vocab = os.path.join(folder, "vocab.txt")
    with open(vocab, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=hidden, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=hidden * 2, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def build_biencoder(model_dir, max_len, **_):
    word = models.Transformer(model_dir, max_seq_length=max_len)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def cmd_train(args):
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    base = bootstrap_encoder(tempfile.mkdtemp(), **vars(args))
    model = build_biencoder(base, **vars(args))
    examples = [InputExample(texts=[q, d]) for q, d in PAIRS]
    loader = DataLoader(examples, batch_size=args.batch_size, shuffle=True)
    loss = losses.MultipleNegativesRankingLoss(model)
    model.old_fit(train_objectives=[(loader, loss)], epochs=args.epochs, warmup_steps=0,
                  optimizer_params={"lr": args.lr}, show_progress_bar=False)
    model.save(args.out)
    print(f"[train] saved bi-encoder to {args.out}")


def recall_at_k(model, top_k, batch_size, **_):
    qids = sorted(POOLS)
    queries = model.encode([PAIRS[i][0] for i in qids], batch_size=batch_size, convert_to_tensor=True)
    pools = torch.stack([model.encode(POOLS[i], batch_size=batch_size, convert_to_tensor=True) for i in qids])
    gold_pos = torch.tensor([POOLS[i].index(PAIRS[i][1]) for i in qids])
    scores = torch.nn.functional.cosine_similarity(queries[:, None, :], pools, dim=-1)  # (Q, pool)
    ranked, _ = scores.sort(dim=1, descending=True)
    gold_scores = scores.gather(1, gold_pos[:, None]).squeeze(1)
    kth = ranked[:, top_k - 1]
    return (gold_scores >= kth).float().mean().item()


def cmd_evaluate(args):
    model = SentenceTransformer(args.model_dir, device="cpu")
    r = recall_at_k(model, **vars(args))
    print(f"[evaluate] recall@{args.top_k} over {len(POOLS)} examiner pools: {r:.3f}")


def main(argv=None):
    p = argparse.ArgumentParser(description="prior-art bi-encoder")
    sp = p.add_subparsers(dest="cmd", required=True)
    t = sp.add_parser("train")
    t.add_argument("--out", required=True)
    t.add_argument("--hidden", type=int, default=32)
    t.add_argument("--max-len", type=int, default=32)
    t.add_argument("--epochs", type=int, default=2)
    t.add_argument("--batch-size", type=int, default=3)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--seed", type=int, default=7)
    t.set_defaults(func=cmd_train)
    e = sp.add_parser("evaluate")
    e.add_argument("--model-dir", required=True)
    e.add_argument("--top-k", type=int, default=1)
    e.add_argument("--batch-size", type=int, default=8)
    e.set_defaults(func=cmd_evaluate)
    args = p.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    out_dir = os.path.join(tempfile.mkdtemp(), "prior-art-biencoder")
    main(["train", "--out", out_dir, "--max-len", "24", "--epochs", "1"])
    main(["evaluate", "--model-dir", out_dir, "--top-k", "5"])
