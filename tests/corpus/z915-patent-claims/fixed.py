"""Train a tiny sentence-transformers bi-encoder to score how close two patent claims are
(prior-art triage). Every artefact is versioned as JSON in the run folder and reloaded.
"""
import json
import os
import random
import tempfile

import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)
RUN = tempfile.mkdtemp(prefix="claims_")
MANIFEST = {
    "vocab": os.path.join(RUN, "vocab.json"),
    "pairs": os.path.join(RUN, "pairs_v3.json"),
    "length_stats": os.path.join(RUN, "length_stats.json"),
    "encoder_dir": os.path.join(RUN, "encoder"),
}


def save_json(obj, path):
    with open(path, "w") as fh:
        json.dump(obj, fh, indent=1)
    print(f"  saved {os.path.relpath(path, RUN)}")


def load_json(path):
    with open(path) as fh:
        return json.load(fh)


PAIRS = [
    ("a fastening device comprising a threaded shank and a head with a hexagonal recess",
     "a screw having a threaded shank and a hexagonal socket in its head", 0.9),
    ("a method of brewing comprising steeping grain in heated water and separating the wort",
     "a screw having a threaded shank and a hexagonal socket in its head", 0.05),
    ("a battery pack comprising a plurality of cells connected in series within a sealed housing wherein "
     "the housing includes a pressure relief valve and a thermal sensor coupled to a controller that "
     "disconnects the cells when a temperature threshold is exceeded during charging or discharging",
     "a sealed housing holding series connected cells with a relief valve and a temperature sensor", 0.8),
    ("a method of brewing comprising steeping grain in heated water and separating the wort",
     "a process for making beer wherein malted grain is mashed in hot water and the wort is drained", 0.85),
    ("a bicycle frame formed of carbon fibre tubes bonded at lugs",
     "a battery pack comprising a plurality of cells connected in series within a sealed housing", 0.1),
    ("a bicycle frame formed of carbon fibre tubes bonded at lugs",
     "a frame for a cycle made from carbon tubes joined by lugs", 0.9),
]

print(f"run folder {RUN}")
words = sorted({w for a, b, _ in PAIRS for w in (a + " " + b).split()})
save_json(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words, MANIFEST["vocab"])
save_json([{"claim_a": a, "claim_b": b, "score": s} for a, b, s in PAIRS], MANIFEST["pairs"])

# materialise the tiny encoder + tokenizer the bi-encoder will load from disk
os.makedirs(MANIFEST["encoder_dir"], exist_ok=True)
vocab_txt = os.path.join(MANIFEST["encoder_dir"], "vocab.txt")
with open(vocab_txt, "w") as fh:
    fh.write("\n".join(load_json(MANIFEST["vocab"])) + "\n")
tokenizer = BertTokenizer(vocab_txt)
tokenizer.save_pretrained(MANIFEST["encoder_dir"])
BertModel(BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=32)).save_pretrained(MANIFEST["encoder_dir"])


def claim_lengths(records, tok):
    for rec in records:
        for side in ("claim_a", "claim_b"):
            yield len(tok(rec[side])["input_ids"])


records = load_json(MANIFEST["pairs"])
lengths = list(claim_lengths(records, tokenizer))
save_json({"max_tokens": max(lengths), "mean_tokens": sum(lengths) / len(lengths)}, MANIFEST["length_stats"])
stats = load_json(MANIFEST["length_stats"])
print(f"claim lengths: max {stats['max_tokens']}, mean {stats['mean_tokens']:.1f}")

# claims are legal text: keep as many tokens as the encoder's position table allows
encoder_cfg = BertConfig.from_pretrained(MANIFEST["encoder_dir"])
word_model = models.Transformer(MANIFEST["encoder_dir"],
                                max_seq_length=min(stats["max_tokens"], encoder_cfg.max_position_embeddings))
pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
bi_encoder = SentenceTransformer(modules=[word_model, pooling], device="cpu")

train_examples = [InputExample(texts=[r["claim_a"], r["claim_b"]], label=float(r["score"])) for r in records]
train_loader = DataLoader(train_examples, batch_size=2, shuffle=True)
objective = losses.CosineSimilarityLoss(bi_encoder)

bi_encoder.old_fit(train_objectives=[(train_loader, objective)], epochs=1, warmup_steps=1,
                   show_progress_bar=False)

emb = bi_encoder.encode([records[0]["claim_a"], records[0]["claim_b"]], convert_to_tensor=True)
print(f"post-training cosine of pair 0: {torch.cosine_similarity(emb[0], emb[1], dim=0).item():.3f}")
save_json({"pairs": len(records), "manifest": MANIFEST}, os.path.join(RUN, "run_summary.json"))
