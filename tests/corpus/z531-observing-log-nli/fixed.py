"""Pair classifier for telescope observing-log notes.

Night assistants write short notes; we want to know whether a later note
agrees with, contradicts, or is unrelated to an earlier one (so the morning
report can flag inconsistent entries). Trains a small sentence-transformers
bi-encoder with a softmax head over the pair features.
"""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, InputExample, models, losses

random.seed(11)
torch.manual_seed(11)

RELATIONS = {"agrees": 0, "contradicts": 1, "unrelated": 2}
NOTE_PAIRS = [
    ("dome closed due to high humidity", "no observations taken humidity too high", "agrees"),
    ("seeing excellent all night", "seeing poor and variable", "contradicts"),
    ("guider lost the star twice", "coffee machine in control room broken", "unrelated"),
    ("clouds cleared after midnight", "clear sky from midnight onward", "agrees"),
    ("spectrograph shutter stuck open", "shutter working normally", "contradicts"),
    ("flat fields taken at dusk", "new moon tonight", "unrelated"),
    ("wind above limit telescope parked", "telescope parked because of wind", "agrees"),
    ("focus drifted with temperature", "focus stable all night", "contradicts"),
]

CFG = dict(pooling="mean", batch_size=4, epochs=1, lr=3e-4)


def save_tiny_encoder(folder):
    words = sorted({w for a, b, _ in NOTE_PAIRS for w in (a + " " + b).split()})
    vocab_path = os.path.join(folder, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(vocab_path)
    bert = BertModel(BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1,
                                num_attention_heads=2, intermediate_size=64,
                                max_position_embeddings=64))
    bert.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def build_model(encoder_dir):
    word = models.Transformer(encoder_dir, max_seq_length=32)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode=CFG["pooling"])
    return SentenceTransformer(modules=[word, pool], device="cpu")


def to_examples(pairs):
    out = []
    for first, second, rel in pairs:
        out.append(InputExample(texts=[first, second], label=RELATIONS[rel]))
    random.shuffle(out)
    return out


def main():
    encoder_dir = save_tiny_encoder(tempfile.mkdtemp(prefix="obslog_"))
    model = build_model(encoder_dir)
    print("sentence embedding dim:", model.get_embedding_dimension())

    train_examples = to_examples(NOTE_PAIRS)
    loader = DataLoader(train_examples, shuffle=True, batch_size=CFG["batch_size"])
    objective = losses.SoftmaxLoss(
        model=model,
        embedding_dimension=model.get_embedding_dimension(),
        num_labels=len(RELATIONS),
    )

    model.old_fit(
        train_objectives=[(loader, objective)],
        epochs=CFG["epochs"],
        warmup_steps=1,
        optimizer_params={"lr": CFG["lr"]},
        show_progress_bar=False,
    )

    emb = model.encode(["dome closed humidity", "seeing excellent"], convert_to_tensor=True)
    sim = torch.nn.functional.cosine_similarity(emb[0], emb[1], dim=0)
    print(f"cosine between probe notes: {sim.item():.3f}")


if __name__ == "__main__":
    main()
