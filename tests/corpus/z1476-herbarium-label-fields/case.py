# Herbarium sheet digitisation: turn transcribed collector labels into a
# normalised "field: value" string for the specimen database.
import os
import tempfile
from dataclasses import dataclass

import torch
from torch.utils.data import Dataset
from transformers import (BartConfig, BartForConditionalGeneration, BertTokenizer,
                          Trainer, TrainingArguments, set_seed)

set_seed(7)

LABELS = [
    ("Carex flava L. wet meadow near Kilnsey 12 vi 1931 leg. J. Hartley",
     "genus carex ; species flava ; locality kilnsey ; year 1931 ; collector hartley"),
    ("Salix repens on dunes at Ainsdale coll. M. Pugh 3 viii 1952",
     "genus salix ; species repens ; locality ainsdale ; year 1952 ; collector pugh"),
    ("Drosera rotundifolia bog pool Moine Mhor leg. A. Ross 1964",
     "genus drosera ; species rotundifolia ; locality moine mhor ; year 1964 ; collector ross"),
    ("Primula farinosa limestone flush Malham Tarn 20 v 1948 coll. E. Kay",
     "genus primula ; species farinosa ; locality malham tarn ; year 1948 ; collector kay"),
    ("Carex flava L. roadside ditch Ainsdale leg. M. Pugh 1955",
     "genus carex ; species flava ; locality ainsdale ; year 1955 ; collector pugh"),
    ("Salix repens damp slack Kilnsey 1931 coll. J. Hartley",
     "genus salix ; species repens ; locality kilnsey ; year 1931 ; collector hartley"),
]

# model preset shared with the other digitisation experiments
TINY_BART = dict(d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
                 decoder_attention_heads=2, encoder_ffn_dim=64, decoder_ffn_dim=64,
                 max_position_embeddings=40)


@dataclass
class Seq2SeqSettings:
    max_source_len: int = 64
    max_target_len: int = 32
    epochs: int = 2
    batch_size: int = 2


def write_vocab(folder):
    words = set()
    for src, tgt in LABELS:
        for text in (src, tgt):
            words.update(text.lower().replace(".", " . ").split())
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    path = os.path.join(folder, "vocab.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(specials + sorted(words)) + "\n")
    return path


class LabelSheetDataset(Dataset):
    def __init__(self, pairs, tok, settings):
        sources = [s for s, _ in pairs]
        targets = [t for _, t in pairs]
        # fixed-width source so batches stay the same shape on the encoder side
        self.src = tok(sources, padding="max_length", truncation=True,
                       max_length=settings.max_source_len)
        self.tgt = tok(targets, truncation=True, max_length=settings.max_target_len)

    def __len__(self):
        return len(self.src["input_ids"])

    def __getitem__(self, i):
        return {"input_ids": self.src["input_ids"][i],
                "attention_mask": self.src["attention_mask"][i],
                "labels": self.tgt["input_ids"][i]}


def collate(features, pad_label=-100):
    longest = max(len(f["labels"]) for f in features)
    batch = {
        "input_ids": torch.tensor([f["input_ids"] for f in features]),
        "attention_mask": torch.tensor([f["attention_mask"] for f in features]),
        "labels": torch.tensor([f["labels"] + [pad_label] * (longest - len(f["labels"]))
                                for f in features]),
    }
    return batch


def build_model(tok):
    cfg = BartConfig(vocab_size=len(tok), pad_token_id=tok.pad_token_id,
                     bos_token_id=tok.cls_token_id, eos_token_id=tok.sep_token_id,
                     decoder_start_token_id=tok.sep_token_id, forced_eos_token_id=tok.sep_token_id,
                     **TINY_BART)
    return BartForConditionalGeneration(cfg)


def main():
    settings = Seq2SeqSettings()
    workdir = tempfile.mkdtemp()
    tok = BertTokenizer(write_vocab(workdir))
    train_ds = LabelSheetDataset(LABELS, tok, settings)
    model = build_model(tok)
    print(f"vocab={len(tok)} params={sum(p.numel() for p in model.parameters())}")

    args = TrainingArguments(output_dir=os.path.join(workdir, "out"), num_train_epochs=settings.epochs,
                             per_device_train_batch_size=settings.batch_size, learning_rate=5e-3,
                             logging_steps=2, save_strategy="no", disable_tqdm=True, report_to=[],
                             use_cpu=True)
    trainer = Trainer(model=model, args=args, train_dataset=train_ds, data_collator=collate)
    result = trainer.train()
    print(f"train loss {result.training_loss:.3f}")

    model.eval()
    probe = tok(["Drosera rotundifolia bog pool Kilnsey leg. J. Hartley 1931"], return_tensors="pt",
                padding="max_length", truncation=True, max_length=settings.max_source_len)
    with torch.no_grad():
        out = model.generate(input_ids=probe["input_ids"], attention_mask=probe["attention_mask"],
                             max_new_tokens=settings.max_target_len, num_beams=1)
    print("parsed:", tok.decode(out[0], skip_special_tokens=True))


if __name__ == "__main__":
    main()
