import os, random, tempfile, logging, warnings
warnings.filterwarnings("ignore", category=DeprecationWarning)
import torch
from torch.utils.data import DataLoader
from transformers import BertConfig, BertModel, BertTokenizer
from sentence_transformers import SentenceTransformer, models, losses, InputExample

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("ticket-dedup")
random.seed(5); torch.manual_seed(5)

# field service tickets: each is the technician's log, one entry per visit step
TICKETS = {
    "T-1031": ["arrived site turbine wtg 14 stopped on pitch fault", "blade 2 pitch motor current high during test",
               "checked slip ring brushes worn and contaminated with dust", "cleaned slip ring replaced brush set",
               "ran pitch test all three blades within tolerance", "turbine returned to service under observation",
               "recommend slip ring inspection on sister units wtg 15 and wtg 16 next visit"],
    "T-1047": ["wtg 15 pitch fault alarm repeated three times overnight", "pitch motor on blade 1 drawing high current",
               "slip ring brushes found worn dust on rings", "brush set replaced rings cleaned",
               "pitch test passed all blades", "unit back online monitoring for one week",
               "same failure mode as wtg 14 last month possibly fleet issue with brushes"],
    "T-1102": ["gearbox oil temperature high alarm on wtg 9", "oil cooler fan not running at high speed",
               "fan contactor coil burnt replaced contactor", "oil filter differential pressure normal",
               "ran turbine at rated power temperature stable", "closed ticket"],
    "T-1120": ["yaw misalignment warning wtg 3 nacelle drifting", "yaw brake pads worn below limit",
               "replaced four yaw brake pads and adjusted pressure", "yaw test both directions ok",
               "wind vane cleaned and recalibrated", "turbine released"],
    "T-1133": ["wtg 21 gearbox oil temperature trips at full load", "cooler fan stuck on low speed",
               "contactor for high speed winding failed replaced", "temperature normal after two hours at rated power",
               "closed ticket after remote check by control room"],
}
DUPLICATE_PAIRS = [("T-1031", "T-1047", 0.9), ("T-1102", "T-1133", 0.85), ("T-1031", "T-1102", 0.1),
                   ("T-1120", "T-1047", 0.05), ("T-1120", "T-1133", 0.1), ("T-1031", "T-1120", 0.15)]
MAX_SEQ_LEN = 256  # technician logs run long
ticket_text = lambda tid: " . ".join(TICKETS[tid])

def bootstrap_encoder(out_dir):
    """Stand-in for our in-house small encoder checkpoint."""
    words = sorted({w for steps in TICKETS.values() for s in steps for w in s.split()} | {"."})
    with open(os.path.join(out_dir, "vocab.txt"), "w") as fh:
        fh.write("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words) + "\n")
    tok = BertTokenizer(os.path.join(out_dir, "vocab.txt"))
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    return out_dir

def build_model(ckpt):
    word = models.Transformer(ckpt, max_seq_length=MAX_SEQ_LEN)
    pool = models.Pooling(word.get_embedding_dimension(), pooling_mode="mean")
    return SentenceTransformer(modules=[word, pool], device="cpu")

ckpt = bootstrap_encoder(tempfile.mkdtemp())
model = build_model(ckpt)
log.info("ticket lengths (words): %s", {t: len(ticket_text(t).split()) for t in TICKETS})

examples = [InputExample(texts=[ticket_text(a), ticket_text(b)], label=score) for a, b, score in DUPLICATE_PAIRS]
loader = DataLoader(examples, batch_size=2, shuffle=True)
model.old_fit(train_objectives=[(loader, losses.CosineSimilarityLoss(model))], epochs=2, warmup_steps=1,
              optimizer_params={"lr": 5e-4}, show_progress_bar=False)

emb = model.encode([ticket_text(t) for t in TICKETS], convert_to_tensor=True, normalize_embeddings=True)
sims = emb @ emb.T
ids = list(TICKETS)
for i, tid in enumerate(ids):
    best = max((j for j in range(len(ids)) if j != i), key=lambda j: sims[i, j].item())
    log.info("%s closest to %s (cos %.3f)", tid, ids[best], sims[i, best].item())
