"""Pair classifier for railway signalling fault logs: same root cause, related, or unrelated."""
import os
import re
import tempfile

import numpy as np
import torch
from sentence_transformers import InputExample, SentenceTransformer, losses, models
from sklearn.metrics import classification_report
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(5)
np.random.seed(5)

MAX_SEQ_LEN = 128

PAIRS = [
    ("track circuit 14 showing occupied with no train", "false occupancy on track circuit 14", "same"),
    ("points 231 failed to detect normal", "no detection on points 231 after move", "same"),
    ("signal 45 lamp failure", "signal 45 showing black aspect", "same"),
    ("axle counter reset needed at section 7", "axle counter section 7 disturbed after storm", "same"),
    ("level crossing barriers slow to lower", "barrier motor overheating at crossing", "same"),
    ("track circuit 9 flickering in heavy rain", "ballast flooding near track circuit 9", "related"),
    ("points 112 heater fault", "points 112 iced up overnight and failed to move", "related"),
    ("signal 12 aspect dim", "power supply dip at relay room b", "related"),
    ("interlocking lost communication with signal box",
     "data link between the interlocking and the signal box dropped repeatedly during the morning peak "
     "while the technicians were replacing the fibre patch panel and rebooting the object controllers "
     "one after another in the equipment room", "related"),
    ("axle counter miscount at section 3", "wheel sensor loose on rail at section 3", "related"),
    ("signal 45 lamp failure", "points 231 failed to detect normal", "unrelated"),
    ("level crossing barriers slow to lower", "track circuit 14 showing occupied with no train", "unrelated"),
    ("points 112 heater fault", "signal 12 aspect dim", "unrelated"),
    ("axle counter reset needed at section 7", "barrier motor overheating at crossing", "unrelated"),
    ("lineside telephone out of order at post 88",
     "after the overnight possession the points at the north junction were reported as failing to "
     "detect in the reverse position and the maintenance team found a broken detection rod and a "
     "loose backdrive that had been disturbed by the tamping machine", "unrelated"),
]


def make_backbone(texts, folder):
    vocab = sorted({w for t in texts for w in re.findall(r"[a-z0-9]+", t.lower())})
    with open(os.path.join(folder, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + vocab) + "\n")
    return BertTokenizer(os.path.join(folder, "vocab.txt"))


def token_lengths(tokenizer, pairs):
    return np.array([len(tokenizer(s)["input_ids"]) for a, b in pairs for s in (a, b)])


def pair_features(model, pairs):
    ea = model.encode([a for a, _ in pairs], convert_to_tensor=True, batch_size=8)
    eb = model.encode([b for _, b in pairs], convert_to_tensor=True, batch_size=8)
    return torch.cat([ea, eb, torch.abs(ea - eb)], dim=1)


def main():
    texts = [s for a, b, _ in PAIRS for s in (a, b)]
    rel_enc = LabelEncoder().fit([r for *_, r in PAIRS])
    y = rel_enc.transform([r for *_, r in PAIRS])
    pairs = [(a, b) for a, b, _ in PAIRS]

    tr_idx, te_idx = train_test_split(np.arange(len(PAIRS)), test_size=0.4, stratify=y, random_state=1)
    train_pairs, test_pairs = [pairs[i] for i in tr_idx], [pairs[i] for i in te_idx]

    model_dir = tempfile.mkdtemp()
    tokenizer = make_backbone(texts, model_dir)
    train_len = token_lengths(tokenizer, train_pairs)
    # short log lines, so keep the position table small
    max_pos = int(train_len.max()) + 4
    print(f"train pairs={len(train_pairs)} test pairs={len(test_pairs)} longest train line={train_len.max()} tokens")

    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=max_pos)
    BertModel(config).save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)

    word = models.Transformer(model_dir, max_seq_length=max_pos)
    pool = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    st_model = SentenceTransformer(modules=[word, pool], device="cpu")

    examples = [InputExample(texts=list(pairs[i]), label=int(y[i])) for i in tr_idx]
    loader = DataLoader(examples, shuffle=True, batch_size=4)
    softmax_loss = losses.SoftmaxLoss(st_model, st_model.get_embedding_dimension(),
                                      num_labels=len(rel_enc.classes_))
    st_model.old_fit(train_objectives=[(loader, softmax_loss)], epochs=1, warmup_steps=0,
                     optimizer_params={"lr": 1e-3}, show_progress_bar=False)
    print("training done")

    with torch.no_grad():
        logits = softmax_loss.classifier(pair_features(st_model, test_pairs))
    preds = logits.argmax(-1).cpu().numpy()
    print(classification_report(y[te_idx], preds, labels=np.arange(len(rel_enc.classes_)),
                                target_names=rel_enc.classes_, zero_division=0))


if __name__ == "__main__":
    main()
