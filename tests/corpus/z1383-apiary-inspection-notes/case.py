"""Embed beekeeping inspection notes so similar colony problems cluster together.

Builds a tiny BERT checkpoint locally, wraps it in sentence-transformers and trains it on
pairs of inspection notes scored by the regional bee inspector for similarity.
"""
import os
import random
import tempfile

import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import InputExample, SentenceTransformer, losses, models

os.environ.setdefault("POSITION_TABLE", "48")
os.environ.setdefault("NOTE_MAX_TOKENS", "128")
os.environ.setdefault("EMBED_DIM", "32")
os.environ.setdefault("BATCH_SIZE", "2")


def env_int(name, default):
    return int(os.environ.get(name, str(default)))


BASE_NOTES = {
    "chalkbrood": "brood frames show chalky white mummies in cells and on the landing board, "
                  "colony is weak after a damp spring, queen laying but patchy, advised requeening "
                  "and improving ventilation, removed two worst frames, will check again in ten days",
    "varroa": "high mite drop on the inspection board after oxalic treatment, several workers with "
              "deformed wings seen on the brood combs, colony numbers falling, recommended a full "
              "treatment course and a sugar roll count before the autumn feed starts",
    "swarming": "queen cells found along the bottom bars of three frames, colony is strong and "
                "congested with little space for the queen to lay, added a super and made an "
                "artificial swarm split into a nucleus box, marked the old queen",
    "starvation": "very little stored honey left in the brood box after the cold snap, bees clustered "
                  "on empty comb with heads in cells, fed fondant straight away and advised weekly "
                  "hefting of the hive until forage returns in the spring",
}


def note_pairs():
    keys = list(BASE_NOTES)
    pairs = []
    for a in keys:
        for b in keys:
            score = 1.0 if a == b else 0.1
            left = BASE_NOTES[a]
            right = BASE_NOTES[b] if a != b else "follow up visit, " + BASE_NOTES[b]
            pairs.append(InputExample(texts=[left, right], label=score))
    random.shuffle(pairs)
    return pairs


def build_checkpoint(workdir):
    words = sorted({w.strip(",") for t in BASE_NOTES.values() for w in t.split()} | {"follow", "up", "visit"})
    vocab_path = os.path.join(workdir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ","] + words) + "\n")
    tok = BertTokenizer(vocab_path)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=env_int("EMBED_DIM", 32),
                     num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                     max_position_embeddings=env_int("POSITION_TABLE", 48))
    BertModel(cfg).save_pretrained(workdir)
    tok.save_pretrained(workdir)
    return workdir


def make_encoder(ckpt_dir):
    word_model = models.Transformer(ckpt_dir, max_seq_length=env_int("NOTE_MAX_TOKENS", 128))
    pooling = models.Pooling(word_model.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word_model, pooling], device="cpu")


def main():
    random.seed(3)
    torch.manual_seed(3)
    ckpt = build_checkpoint(tempfile.mkdtemp(prefix="apiary_"))
    encoder = make_encoder(ckpt)
    print(f"encoder ready, max_seq_length={encoder.max_seq_length}")

    examples = note_pairs()
    loader = DataLoader(examples, batch_size=env_int("BATCH_SIZE", 2), shuffle=True)
    objective = losses.CosineSimilarityLoss(encoder)
    encoder.old_fit(train_objectives=[(loader, objective)], epochs=1, warmup_steps=2,
                    show_progress_bar=False)

    vecs = encoder.encode(list(BASE_NOTES.values()), convert_to_tensor=True)
    sims = torch.nn.functional.cosine_similarity(vecs[0:1], vecs)
    for name, s in zip(BASE_NOTES, sims.tolist()):
        print(f"chalkbrood vs {name}: {s:.3f}")


if __name__ == "__main__":
    main()
