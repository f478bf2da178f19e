"""Duplicate detection for pharmacy prescription directions ("sigs").

The pair annotations were exported from our three-way verification tool
(entailment / neutral / contradiction). For de-duplication a pair counts as a
duplicate only when the two directions say the same thing.
"""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from transformers import BertConfig, BertModel, BertTokenizer

random.seed(5)
torch.manual_seed(5)

SIG_PAIRS = [
    ("take one tablet by mouth twice daily", "1 tab po bid", "entailment"),
    ("take one tablet by mouth twice daily", "take two tablets by mouth daily", "neutral"),
    ("apply a thin layer to the affected area at bedtime", "apply thinly to affected skin qhs", "entailment"),
    ("inhale two puffs every four hours as needed", "2 puffs q4h prn wheezing", "entailment"),
    ("take one capsule by mouth every eight hours", "1 cap po q8h", "entailment"),
    ("take one tablet by mouth once daily", "do not take by mouth", "contradiction"),
    ("instill one drop in each eye twice daily", "1 gtt ou bid", "entailment"),
    ("instill one drop in each eye twice daily", "1 gtt os daily", "neutral"),
    ("take with food", "take on an empty stomach", "contradiction"),
    ("dissolve one tablet under the tongue as needed for chest pain", "1 tab sl prn chest pain", "entailment"),
    ("take one tablet by mouth at bedtime", "take one tablet by mouth every morning", "contradiction"),
    ("inject ten units under the skin before breakfast", "10 units subq qam ac", "entailment"),
]
DUP_CLASSES = ["distinct", "duplicate"]
NLI_LABEL2ID = {"entailment": 0, "neutral": 1, "contradiction": 2}
DUPLICATE_FROM_VERDICT = {"entailment": 1, "neutral": 0, "contradiction": 0}


def read_pairs(rows, label_map=NLI_LABEL2ID):
    """rows of (text_a, text_b, verdict) -> InputExample list."""
    examples = []
    for a, b, verdict in rows:
        examples.append(InputExample(texts=[a, b], label=label_map[verdict]))
    return examples


def build_encoder(rows, workdir):
    words = sorted({w for a, b, _ in rows for w in (a + " " + b).split()})
    with open(os.path.join(workdir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tokenizer = BertTokenizer(os.path.join(workdir, "vocab.txt"))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(workdir)
    tokenizer.save_pretrained(workdir)

    word_model = models.Transformer(workdir, max_seq_length=48)
    pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word_model, pooling], device="cpu")


def duplicate_report(model, rows, threshold=0.8):
    left = model.encode([a for a, _, _ in rows], convert_to_tensor=True)
    right = model.encode([b for _, b, _ in rows], convert_to_tensor=True)
    sims = torch.nn.functional.cosine_similarity(left, right)
    for (a, b, verdict), s in zip(rows, sims.tolist()):
        flag = "DUP" if s >= threshold else "   "
        print(f"{flag} {s:+.2f}  {a!r} ~ {b!r} ({verdict})")


def main():
    workdir = tempfile.mkdtemp()
    model = build_encoder(SIG_PAIRS, workdir)
    train_examples = read_pairs(SIG_PAIRS)
    print(f"{len(train_examples)} sig pairs, classes: {DUP_CLASSES}")

    loader = DataLoader(train_examples, shuffle=True, batch_size=4)
    objective = losses.SoftmaxLoss(model=model,
                                   sentence_embedding_dimension=model.get_sentence_embedding_dimension(),
                                   num_labels=len(DUP_CLASSES))
    model.old_fit(train_objectives=[(loader, objective)], epochs=2, warmup_steps=0,
                  optimizer_params={"lr": 5e-4}, show_progress_bar=False)
    duplicate_report(model, SIG_PAIRS)


if __name__ == "__main__":
    main()
