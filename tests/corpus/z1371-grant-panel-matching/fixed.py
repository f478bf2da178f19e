# Route incoming grant proposals to review panels with a small bi-encoder.
# train -> torch.save(state_dict) + json -> PanelRouter.from_dir -> predict_batch
import json
import os
import random
import tempfile
import warnings

import torch
import torch.nn.functional as F
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer

warnings.filterwarnings("ignore", category=DeprecationWarning)
from sentence_transformers import InputExample, SentenceTransformer, losses, models  # noqa: E402

random.seed(5)
torch.manual_seed(5)

PANELS = {
    "ecology": "field ecology of species habitat and ecosystem dynamics",
    "materials": "synthesis of polymer and alloy materials for energy storage",
    "neuro": "neural circuits memory and brain imaging in animal models",
}
PROPOSALS = [
    ("pollinator decline", "habitat loss and pollinator species in alpine ecosystem", "ecology"),
    ("wetland carbon", "ecosystem dynamics of wetland habitat under drought", "ecology"),
    ("solid electrolytes", "polymer electrolyte synthesis for battery energy storage", "materials"),
    ("lightweight alloys", "alloy materials with high strength for energy systems", "materials"),
    ("place cells", "hippocampal neural circuits and spatial memory in mice", "neuro"),
    ("fmri of learning", "brain imaging of memory consolidation in animal models", "neuro"),
]
ENCODER_CFG = dict(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64,
                   max_position_embeddings=128, type_vocab_size=2)


def stage_hf_dir(folder, encoder_cfg, vocab_path):
    """Write a HF-style model dir so models.Transformer can pick it up."""
    BertModel(BertConfig(**encoder_cfg)).save_pretrained(folder)
    BertTokenizer(vocab_path).save_pretrained(folder)
    return folder


def assemble(folder, max_seq_length):
    word = models.Transformer(folder, max_seq_length=max_seq_length)
    pool = models.Pooling(word.get_word_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")


def train_and_save(out_dir, max_seq_length=96):
    words = {w for _, a, _ in PROPOSALS for w in a.split()}
    words |= {w for d in PANELS.values() for w in d.split()} | {w for t, _, _ in PROPOSALS for w in t.split()}
    vocab_path = os.path.join(out_dir, "vocab.txt")
    with open(vocab_path, "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted(words)) + "\n")
    enc_cfg = dict(ENCODER_CFG, vocab_size=len(BertTokenizer(vocab_path)))
    model = assemble(stage_hf_dir(tempfile.mkdtemp(), enc_cfg, vocab_path), max_seq_length)

    examples = []
    for title, abstract, panel in PROPOSALS:
        for name, desc in PANELS.items():
            examples.append(InputExample(texts=[abstract, desc], label=1.0 if name == panel else 0.0))
    loader = DataLoader(examples, batch_size=6, shuffle=True)
    model.old_fit(train_objectives=[(loader, losses.CosineSimilarityLoss(model))], epochs=1,
                  warmup_steps=0, optimizer_params={"lr": 1e-3}, show_progress_bar=False)

    torch.save(model.state_dict(), os.path.join(out_dir, "router.pt"))
    with open(os.path.join(out_dir, "router.json"), "w") as fh:
        json.dump({"encoder": enc_cfg, "max_seq_length": max_seq_length, "panels": PANELS}, fh)
    print(f"saved router to {out_dir}")


class PanelRouter:
    def __init__(self, encoder, panels, batch_size=8, temperature=20.0):
        self.encoder = encoder
        self.names = list(panels)
        self.batch_size = batch_size
        self.temperature = temperature
        protos = encoder.encode(list(panels.values()), convert_to_tensor=True)
        self.prototypes = F.normalize(protos, dim=-1)

    @classmethod
    def from_dir(cls, path, **options):
        with open(os.path.join(path, "router.json")) as fh:
            spec = json.load(fh)
        staging = stage_hf_dir(tempfile.mkdtemp(), spec["encoder"], os.path.join(path, "vocab.txt"))
        encoder = assemble(staging, spec["max_seq_length"])
        encoder.load_state_dict(torch.load(os.path.join(path, "router.pt"), map_location="cpu"))
        encoder.eval()
        return cls(encoder, spec["panels"], **options)

    def predict_batch(self, proposals):
        decisions = []
        for i in range(0, len(proposals), self.batch_size):
            chunk = proposals[i:i + self.batch_size]
            pairs = [(p["title"], p["abstract"]) for p in chunk]
            emb = self.encoder.encode(pairs, batch_size=self.batch_size, convert_to_tensor=True)
            logits = self.temperature * F.normalize(emb, dim=-1) @ self.prototypes.T
            probs = logits.softmax(-1)
            for row in probs:
                k = int(row.argmax())
                decisions.append({"panel": self.names[k], "p": round(float(row[k]), 3)})
        return decisions


if __name__ == "__main__":
    workdir = tempfile.mkdtemp(prefix="panels_")
    train_and_save(workdir)
    router = PanelRouter.from_dir(workdir, batch_size=2)
    inbox = [
        {"title": "alpine pollinator habitat", "abstract": "species decline in alpine ecosystem dynamics"},
        {"title": "polymer batteries", "abstract": "synthesis of polymer materials for energy storage"},
        {"title": "memory circuits", "abstract": "neural circuits of memory with brain imaging in mice"},
    ]
    for prop, d in zip(inbox, router.predict_batch(inbox)):
        print(f"{prop['title']:<28} -> {d['panel']} ({d['p']})")
