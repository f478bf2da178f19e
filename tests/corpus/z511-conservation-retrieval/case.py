"""Retrieval over museum conservation treatment records.

Short contrastive warm-up of a tiny BERT bi-encoder on (question, record) pairs,
then MRR on a small annotated query set exported from the cataloguing tool."""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models, util
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)

RECORDS = [
    "oil painting canvas relined with wax resin adhesive after flaking",
    "tempera panel consolidated with sturgeon glue along splits",
    "bronze statuette chlorides removed active corrosion stabilised with bta",
    "iron sword desalinated in sodium hydroxide bath for six months",
    "silk banner supported on dyed crepeline stitched by hand",
    "wool tapestry wet cleaned and losses couched with wool yarn",
    "paper map surface cleaned foxing reduced with light bleaching",
    "parchment charter humidified and flattened under weights",
    "ceramic vase old shellac joins reversed and rebonded with paraloid",
    "glass beaker crizzling monitored stored at low humidity",
    "feather headdress pest damage frozen at minus thirty",
    "leather saddle dressing removed cracks consolidated with klucel",
    "photograph albumen print tears mended with japanese tissue",
    "lacquer box flaking laid down with funori under heat",
    "ivory fan mechanical repair of broken guard stick",
]
QUERIES = [
    "which metal objects were treated for corrosion",
    "textiles supported with new fabric",
    "works on paper with tears or stains",
    "items frozen or treated for insects",
    "ceramics or glass with adhesive repairs",
]
# annotations exported from the collections system (tab separated, header first)
QRELS_TSV = """doc_id\tquery_id\tgrade
2\t0\t2
3\t0\t2
4\t1\t2
5\t1\t1
6\t2\t2
12\t2\t2
10\t3\t2
8\t4\t2
9\t4\t1
"""
TRAIN_PAIRS = [
    ("how was the canvas painting relined", RECORDS[0]),
    ("panel splits glued", RECORDS[1]),
    ("sword bath desalination", RECORDS[3]),
    ("tapestry cleaning and yarn couching", RECORDS[5]),
    ("charter flattening", RECORDS[7]),
    ("vase joins rebonded", RECORDS[8]),
    ("saddle cracks consolidated", RECORDS[11]),
    ("lacquer flakes laid down", RECORDS[13]),
]


def build_encoder(workdir):
    words = sorted({w for t in RECORDS + QUERIES + [q for q, _ in TRAIN_PAIRS] for w in t.split()})
    tok_dir = os.path.join(workdir, "tiny-bert")
    os.makedirs(tok_dir, exist_ok=True)
    with open(os.path.join(tok_dir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(tok_dir, "vocab.txt"))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(tok_dir)
    tokenizer.save_pretrained(tok_dir)
    word = models.Transformer(tok_dir, max_seq_length=32)
    pool = models.Pooling(word.get_embedding_dimension(), "mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def read_qrels(text):
    lines = iter(text.strip().splitlines())
    next(lines)  # header
    qrels = {}
    for line in lines:
        qid, did, grade = (int(x) for x in line.split("\t"))
        if grade > 0:
            qrels.setdefault(qid, set()).add(did)
    return qrels


def mean_reciprocal_rank(scores, qrels):
    total = 0.0
    for qid, relevant in qrels.items():
        ranking = torch.argsort(scores[qid], descending=True).tolist()
        first = min(ranking.index(d) for d in relevant)
        total += 1.0 / (first + 1)
    return total / len(qrels)


def main():
    workdir = tempfile.mkdtemp(prefix="conservation_")
    model = build_encoder(workdir)

    examples = [InputExample(texts=[q, d]) for q, d in TRAIN_PAIRS]
    loader = DataLoader(examples, shuffle=True, batch_size=4)
    loss = losses.MultipleNegativesRankingLoss(model)
    model.old_fit(train_objectives=[(loader, loss)], epochs=2, warmup_steps=1,
                  optimizer_params={"lr": 1e-3}, show_progress_bar=False)
    print("warm-up done")

    q_emb = model.encode(QUERIES, convert_to_tensor=True)
    d_emb = model.encode(RECORDS, convert_to_tensor=True)
    scores = util.cos_sim(q_emb, d_emb)
    print("score matrix:", tuple(scores.shape))

    qrels = read_qrels(QRELS_TSV)
    print(f"annotated queries: {len(qrels)}")
    print(f"MRR: {mean_reciprocal_rank(scores, qrels):.3f}")


if __name__ == "__main__":
    main()
