"""Readmission-risk scoring over long clinical notes.

Each note is cut into overlapping windows by the tokenizer, a note-type marker
token is put right after [CLS] in every window, windows are mean-pooled and the
window vectors are averaged back to one vector per note."""
import os
import tempfile

import torch
from torch import nn
from transformers import BertConfig, BertModel, BertTokenizer

torch.manual_seed(1)

NOTE_TYPES = ["[DISCHARGE]", "[RADIOLOGY]", "[NURSING]"]
CLINICAL_WORDS = """patient admitted with chest pain shortness of breath history hypertension diabetes
mellitus type two heart failure ejection fraction reduced started on furosemide metoprolol lisinopril
follow up cardiology clinic in weeks discharged home stable condition chest x ray shows mild pulmonary
edema no pneumothorax effusion small left pleural vital signs blood pressure heart rate oxygen saturation
room air nurse noted patient ambulating hallway tolerated diet pain controlled the and a to was is for
at on denies fever cough mg daily twice bid labs creatinine potassium elevated normal"""

NOTES = [
    ("[DISCHARGE]", "patient admitted with chest pain and shortness of breath . history of hypertension and "
     "diabetes mellitus type two . heart failure with reduced ejection fraction . started on furosemide "
     "metoprolol and lisinopril daily . creatinine elevated potassium normal . follow up in cardiology "
     "clinic in two weeks . discharged home in stable condition . " * 2),
    ("[RADIOLOGY]", "chest x ray shows mild pulmonary edema . no pneumothorax . small left pleural "
     "effusion . heart size is normal . " * 3),
    ("[NURSING]", "vital signs stable . blood pressure and heart rate normal . oxygen saturation normal "
     "on room air . patient ambulating in hallway . tolerated diet . pain controlled . denies fever "
     "or cough . " * 3),
]


def write_vocab(folder):
    path = os.path.join(folder, "clinical_vocab.txt")
    words = sorted(set(CLINICAL_WORDS.split() + [".", "size", "or", "signs"]))
    with open(path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + NOTE_TYPES + words) + "\n")
    return path


def tag_windows(window_tokens, note_type_ids):
    """Insert the note-type marker right after [CLS] in every window."""
    marker = note_type_ids.unsqueeze(1)
    return torch.cat([window_tokens[:, :1], marker, window_tokens[:, 1:]], dim=1)


def masked_mean(states, keep):
    keep = keep.unsqueeze(-1).to(states.dtype)
    return (states * keep).sum(dim=1) / keep.sum(dim=1).clamp(min=1.0)


class ReadmissionModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg, add_pooling_layer=False)
        self.risk = nn.Sequential(nn.Linear(cfg.hidden_size, 16), nn.Tanh(), nn.Linear(16, 1))

    def forward(self, window_tokens, window_keep, window_to_note, n_notes):
        states = self.bert(input_ids=window_tokens, attention_mask=window_keep).last_hidden_state
        window_vecs = masked_mean(states, window_keep)
        note_vecs = torch.zeros(n_notes, window_vecs.size(1)).index_add_(0, window_to_note, window_vecs)
        counts = torch.bincount(window_to_note, minlength=n_notes).clamp(min=1).unsqueeze(1)
        return self.risk(note_vecs / counts).squeeze(-1)


def main():
    folder = tempfile.mkdtemp()
    tokenizer = BertTokenizer(write_vocab(folder))
    cfg = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=128)
    model = ReadmissionModel(cfg).eval()

    note_texts = [text for _, text in NOTES]
    enc = tokenizer(note_texts, max_length=48, stride=12, truncation=True, padding="max_length",
                    return_overflowing_tokens=True, return_tensors="pt")
    window_to_note = enc["overflow_to_sample_mapping"]
    print(f"{len(note_texts)} notes -> {enc['input_ids'].size(0)} windows of {enc['input_ids'].size(1)} tokens")

    type_of_note = torch.tensor([tokenizer.convert_tokens_to_ids(kind) for kind, _ in NOTES])
    window_tokens = tag_windows(enc["input_ids"], type_of_note[window_to_note])
    window_keep = tag_windows(enc["attention_mask"], torch.ones_like(window_to_note))

    with torch.no_grad():
        risk_logits = model(window_tokens, window_keep, window_to_note, len(NOTES))

    for (kind, text), p in zip(NOTES, torch.sigmoid(risk_logits).tolist()):
        n_win = int((window_to_note == NOTES.index((kind, text))).sum())
        print(f"{kind:12s} windows={n_win}  readmission risk={p:.3f}")


if __name__ == "__main__":
    main()
